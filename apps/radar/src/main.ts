import { readFileSync } from 'node:fs';
import { runMain, UsageError } from '@fenx/cli';
import { processEnv } from '@fenx/config';
import { calibrate, SIGNING_SCHEMES } from '@fenx/hmac';
import { Command } from 'commander';
import { APP, loadRadarConfig } from './app/radar-config';
import { createRadarApp, listenRadar } from './app/radar-app';

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

/** Which signing scheme a captured FenX delivery matches: exit 0 with the scheme(s), 1 with none. */
function runCalibrate(options: { body: string; signature: string; secret?: string }): void {
  const secret = options.secret ?? processEnv()['RADAR_CALIBRATE_SECRET'];
  if (!secret) {
    process.stderr.write('calibrate: give the webhook secret with --secret or RADAR_CALIBRATE_SECRET\n');
    process.exit(2);
  }
  const body = readFileSync(options.body);
  const matches = calibrate(body, options.signature, secret);
  if (matches.length === 0) {
    process.stdout.write(
      `no scheme matches (tried ${SIGNING_SCHEMES.join(', ')}): check the secret and that the body file holds the bytes exactly as delivered\n`,
    );
    process.exit(1);
  }
  process.stdout.write(
    `matches: ${matches.join(', ')}\nset RADAR_SIGNING_SCHEME=${matches[0]} (or prefix the secret: ${matches[0]}:<secret>)\n`,
  );
  process.exit(0);
}

const program = new Command(APP.service).description('FenX webhook listener: every genuine event into Kafka');
program
  .command('serve', { isDefault: true })
  .description('listen for FenX webhooks (settings from the environment)')
  .action(serve);
program
  .command('calibrate')
  .description('say which signing scheme a captured FenX Test delivery matches')
  .requiredOption('--body <file>', 'the delivered body, byte for byte')
  .requiredOption('--signature <value>', 'its x-fenx-signature header (sha256=...)')
  .option('--secret <secret>', 'the webhook secret (or RADAR_CALIBRATE_SECRET)')
  .action(runCalibrate);

runMain(program);
