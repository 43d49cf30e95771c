import { integer, runMain, UsageError } from '@fenx/cli';
import { processEnv } from '@fenx/config';
import { TOPICS } from '@fenx/kafka-contracts';
import { Command } from 'commander';
import { APP, loadRadarConfig } from './app/radar-config';
import { createRadarApp, listenRadar } from './app/radar-app';
import { CalibrateOptions, calibrateFile, calibrateFromKafka } from './cli/calibrate';

async function serve(): Promise<void> {
  let config;
  try {
    config = loadRadarConfig();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const app = await createRadarApp(config);
  await listenRadar(app, config);
}

/** Which signing scheme FenX's deliveries match: exit 0 naming it, 1 when none does. */
async function runCalibrate(options: CalibrateOptions): Promise<void> {
  const env = processEnv();
  const result = options.fromKafka ? await calibrateFromKafka(options, env) : calibrateFile(options, env);
  process.stdout.write(`${result.text}\n`);
  process.exit(result.exitCode);
}

const program = new Command(APP.service).description('FenX webhook listener: every genuine event into Kafka');
program
  .command('serve', { isDefault: true })
  .description('listen for FenX webhooks (settings from the environment)')
  .action(serve);
program
  .command('calibrate')
  .description(
    'say which signing scheme FenX signs with: from the deliveries radar refused and kept (--from-kafka), or from one captured delivery (--body, --signature)',
  )
  .option(
    '--from-kafka',
    `read the refused deliveries of ${TOPICS.webhookUnverified.name} (Kafka settings from the environment)`,
  )
  .option('--limit <n>', 'with --from-kafka: at most this many deliveries', integer({ min: 1 }))
  .option('--json', 'with --from-kafka: the counts as JSON')
  .option('--body <file>', 'a delivered body, byte for byte')
  .option('--signature <value>', 'its x-fenx-signature header (sha256=...)')
  .option('--secret <secret>', 'the webhook secret (else RADAR_CALIBRATE_SECRET, else RADAR_WEBHOOK_SECRETS)')
  .action(runCalibrate);

runMain(program);
