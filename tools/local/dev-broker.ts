// `npm run dev-broker`            starts the dev broker in the foreground with every manifest topic
// `npm run dev-broker -- down 2`  sends a control command to the running one (see tools/dev-broker/dev-broker.c)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { DevBroker, sendControlCommand } from '@fenx/kafka/testing';

const stateFile = join(workspaceRoot, '.dev', 'broker.json');

async function main(args: string[]): Promise<void> {
  if (args.length > 0) {
    let control: string;
    try {
      control = JSON.parse(readFileSync(stateFile, 'utf8')).control;
    } catch {
      throw new Error(
        `No running dev broker (${stateFile} is missing): start one with npm run dev-broker`,
      );
    }
    console.log(await sendControlCommand(control, args.join(' ')));
    return;
  }
  const brokers = Number(process.env['DEV_BROKER_COUNT'] ?? 3);
  const broker = await DevBroker.start({
    brokers,
    stateFile,
    exitWithParent: true,
  });
  console.log(
    `dev broker: ${brokers} brokers at ${broker.bootstrap.join(',')}`,
  );
  console.log(`  control: ${broker.control}   state: ${stateFile}`);
  console.log(
    `  apps: KAFKA_BROKERS=${broker.bootstrap.join(',')} KAFKA_IDEMPOTENT=false KAFKA_CREATE_TOPICS=false`,
  );
  console.log('  Ctrl-C stops it.');
  const stop = () => void broker.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
