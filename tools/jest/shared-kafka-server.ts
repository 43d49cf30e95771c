// The shared Apache Kafka cluster of one test run (3 KRaft nodes, no topics: each test file creates
// its own, in a namespace of its own). Started by shared-kafka.cjs, it prints one JSON line
// `{"bootstrap": ...}` once the cluster is ready, and stops the cluster when its stdin closes (its
// parent is gone) or on SIGTERM/SIGINT.
import { KafkaCluster } from '@fenx/kafka/test';

async function main(): Promise<void> {
  const started = Date.now();
  const cluster = await KafkaCluster.start({ brokers: 3, topics: [] });
  process.stdout.write(
    JSON.stringify({
      bootstrap: cluster.bootstrap.join(','),
      logs: cluster.logs,
      startedMs: Date.now() - started,
    }) + '\n',
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void cluster.stop().finally(() => process.exit(0));
  };
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: Error) => {
  console.error(`The shared test Kafka cluster did not start: ${err.message}`);
  process.exit(1);
});
