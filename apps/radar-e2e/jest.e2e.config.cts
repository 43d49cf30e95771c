// End-to-end tier: the built radar and the FenX simulator as processes, Apache Kafka.
module.exports = {
  // One Apache Kafka cluster per test run; a namespace of topics and groups per file.
  // eslint-disable-next-line @nx/enforce-module-boundaries -- the workspace's jest set-up, not a project
  ...require('../../tools/jest/kafka.cjs'),
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
