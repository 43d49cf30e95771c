// The short soak: the whole built pipeline through a small burst with every fault kind, in CI.
const unit = require('./jest.config.cts');

module.exports = {
  ...unit,
  displayName: 'soak:e2e',
  testPathIgnorePatterns: ['/node_modules/'],
  testMatch: ['<rootDir>/src/**/*.e2e.spec.ts'],
  testTimeout: 900000,
};
