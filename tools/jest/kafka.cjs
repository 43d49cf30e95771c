// The jest settings every project with Kafka tests adds to its integration or e2e config.
module.exports = {
  globalSetup: require.resolve('./kafka-global-setup.cjs'),
  globalTeardown: require.resolve('./kafka-global-teardown.cjs'),
  setupFiles: [require.resolve('./kafka-namespace.cjs')],
  // Plain CommonJS: run as it is, not through the projects' ts-jest transform.
  transformIgnorePatterns: ['/node_modules/', '/tools/jest/'],
};
