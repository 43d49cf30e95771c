// `npm run dev-broker`                      starts the dev broker in the foreground with every manifest topic
// `npm run dev-broker -- down 2`            sends a control command to the running one (see tools/dev-broker/dev-broker.c)
// `eval "$(npm run -s dev-broker -- env)"`  points this shell's apps at the running one
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { KafkaCluster, sendControlCommand } from '@fenx/kafka/testing';

const stateFile = join(workspaceRoot, '.dev', 'broker.json');

function runningBroker(): { control: string; bootstrap: string } {
  try {
    return JSON.parse(readFileSync(stateFile, 'utf8'));
  } catch {
    throw new Error(`No running dev broker (${stateFile} is missing): start one with npm run dev-broker`);
  }
}

async function main(args: string[]): Promise<void> {
  if (args[0] === 'env') {
    const { bootstrap } = runningBroker();
    console.log(`export KAFKA_BROKERS=${bootstrap} KAFKA_IDEMPOTENT=false KAFKA_CREATE_TOPICS=false`);
    return;
  }
  if (args.length > 0) {
    console.log(await sendControlCommand(runningBroker().control, args.join(' ')));
    return;
  }
  const brokers = Number(process.env['DEV_BROKER_COUNT'] ?? 3);
  const broker = await KafkaCluster.start({ brokers, stateFile, exitWithParent: true });
  console.log(`dev broker: ${brokers} brokers at ${broker.bootstrap.join(',')}`);
  console.log(`  control: ${broker.control}   state: ${stateFile}`);
  console.log(`  apps:    eval "$(npm run -s dev-broker -- env)"`);
  console.log('  Ctrl-C stops it.');
  const stop = () => void broker.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
