// End-to-end tier: the whole pipeline (simulator, radar, both extractors, lake-sink) as processes on Apache Kafka.
module.exports = {
  displayName: 'pipeline-e2e',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  testMatch: ['<rootDir>/src/**/*.e2e.spec.ts'],
  testTimeout: 300000,
};
