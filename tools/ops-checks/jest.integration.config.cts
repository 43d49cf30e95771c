// Integration tier: *.int.spec.ts against built apps run as processes (their /metrics).
const unit = require('./jest.config.cts');

module.exports = {
  ...unit,
  displayName: 'ops-checks:integration',
  testPathIgnorePatterns: ['/node_modules/'],
  testMatch: ['<rootDir>/src/**/*.int.spec.ts'],
  testTimeout: 120000,
};
