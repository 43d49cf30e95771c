// End-to-end tier: the built radar and the FenX simulator as processes, Apache Kafka.
module.exports = {
  displayName: 'radar-e2e',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  testMatch: ['<rootDir>/src/**/*.e2e.spec.ts'],
  testTimeout: 300000,
};
