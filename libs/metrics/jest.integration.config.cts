// Integration tier: *.int.spec.ts against real processes (a Prometheus Pushgateway).
// eslint-disable-next-line @typescript-eslint/no-unused-vars
const { collectCoverage, coverageThreshold, ...unit } = require('./jest.config.cts');

module.exports = {
  ...unit,
  displayName: 'metrics:integration',
  testPathIgnorePatterns: ['/node_modules/'],
  testMatch: ['<rootDir>/src/**/*.int.spec.ts'],
  testTimeout: 60000,
};
