// End-to-end tier: `npm start`'s stack (run.ts) as a user runs it, with the apps built beforehand.
const unit = require('./jest.config.cts');

module.exports = {
  ...unit,
  displayName: 'local:e2e',
  testPathIgnorePatterns: ['/node_modules/'],
  testMatch: ['<rootDir>/**/*.e2e.spec.ts'],
  testTimeout: 600000,
};
