// Jest global setup of the Kafka test projects: one Apache Kafka cluster for the whole run, unless
// the run already has one (`npm test` starts one for every project and passes it in FENX_TEST_KAFKA).
const { ENV, startSharedKafka } = require('./shared-kafka.cjs');

module.exports = async () => {
  if (process.env[ENV]) return;
  const { child, state } = await startSharedKafka();
  process.env[ENV] = JSON.stringify({ bootstrap: state.bootstrap });
  globalThis.__fenxSharedKafka = child;
};
