// Integration tier: *.int.spec.ts against Apache Kafka and the FenX simulator (built: nx build fenx-simulator).
const unit = require('./jest.config.cts');

module.exports = {
  ...unit,
  displayName: 'radar:integration',
  testPathIgnorePatterns: ['/node_modules/'],
  testMatch: ['<rootDir>/src/**/*.int.spec.ts'],
  testTimeout: 240000,
};
