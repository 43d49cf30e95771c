// `npm run kafka`                      starts Apache Kafka (KRaft, KAFKA_NODES nodes, 3 by default) in the
//                                      foreground with every manifest topic; Ctrl-C stops it
// `eval "$(npm run -s kafka -- env)"`  points this shell's apps at the running one
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { KafkaCluster } from '@fenx/kafka/test';

const stateFile = join(workspaceRoot, '.dev', 'broker.json');

async function main(args: string[]): Promise<void> {
  if (args[0] === 'env') {
    let state: { bootstrap: string; nodes: number };
    try {
      state = JSON.parse(readFileSync(stateFile, 'utf8'));
    } catch {
      throw new Error(`No running Kafka (${stateFile} is missing): start one with npm run kafka`);
    }
    console.log(
      `export KAFKA_BROKERS=${state.bootstrap} KAFKA_REPLICATION_FACTOR=${Math.min(3, state.nodes)}`,
    );
    return;
  }
  if (args.length > 0) throw new Error(`unknown argument ${args[0]}: npm run kafka [-- env]`);
  const nodes = Number(process.env['KAFKA_NODES'] ?? 3);
  const started = Date.now();
  const cluster = await KafkaCluster.start({ brokers: nodes, stateFile });
  console.log(
    `Apache Kafka: ${nodes} KRaft node(s) at ${cluster.bootstrap.join(',')} (started in ${Date.now() - started} ms)`,
  );
  console.log(`  data and logs: ${cluster.dir}   state: ${stateFile}`);
  console.log(`  apps:          eval "$(npm run -s kafka -- env)"`);
  console.log('  Ctrl-C stops it.');
  const stop = () => void cluster.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
