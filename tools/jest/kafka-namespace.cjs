// Jest setupFiles of the Kafka test projects: each test file gets a KAFKA_NAMESPACE of its own, set
// before any module loads (topic names are read once, at load), so files share the run's cluster but
// no topic or consumer group (see sharedKafka in @fenx/kafka/test).
const { randomBytes } = require('node:crypto');

process.env.KAFKA_NAMESPACE = `test-${randomBytes(4).toString('hex')}.`;

// The Kafka client's own INFO lines (joins, stops) of hundreds of consumers would bury a failure in
// the log; its warnings and errors still show. KAFKAJS_LOG_LEVEL=info brings them back.
process.env.KAFKAJS_LOG_LEVEL ??= 'warn';
