// Stops the cluster kafka-global-setup.cjs started (none when the run was handed one).
const { stopSharedKafka } = require('./shared-kafka.cjs');

module.exports = async () => {
  const child = globalThis.__fenxSharedKafka;
  if (child) await stopSharedKafka(child);
};
