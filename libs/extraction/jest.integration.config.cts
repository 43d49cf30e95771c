// Integration tier: *.int.spec.ts against real processes (Apache Kafka over TCP, the FenX simulator).
const unit = require('./jest.config.cts');

module.exports = {
  // One Apache Kafka cluster per test run; a namespace of topics and groups per file.
  // eslint-disable-next-line @nx/enforce-module-boundaries -- the workspace's jest set-up, not a project
  ...require('../../tools/jest/kafka.cjs'),
  ...unit,
  displayName: 'extraction:integration',
  testPathIgnorePatterns: ['/node_modules/'],
  testMatch: ['<rootDir>/src/**/*.int.spec.ts'],
  testTimeout: 120000,
};
