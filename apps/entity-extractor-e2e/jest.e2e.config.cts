// End-to-end tier: the built entity extractor and FenX simulator as processes, Apache Kafka over TCP.
module.exports = {
  // One Apache Kafka cluster per test run; a namespace of topics and groups per file.
  // eslint-disable-next-line @nx/enforce-module-boundaries -- the workspace's jest set-up, not a project
  ...require('../../tools/jest/kafka.cjs'),
  displayName: 'entity-extractor-e2e',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  rootDir: '.',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  testMatch: ['<rootDir>/src/**/*.e2e.spec.ts'],
  testTimeout: 240000,
};
