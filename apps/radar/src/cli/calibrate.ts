import { readFileSync } from 'node:fs';
import { UsageError } from '@fenx/cli';
import { Env, validateEnvAll } from '@fenx/config';
import {
  Calibration,
  calibrate,
  calibrateDeliveries,
  DEFAULT_SIGNING_SCHEME,
  SIGNATURE_HEADER,
  SIGNING_SCHEMES,
} from '@fenx/hmac';
import { createKafka, KafkaEnv, kafkaSettingsFrom, readTopic } from '@fenx/kafka';
import { readUnverifiedDelivery, TOPICS } from '@fenx/kafka-contracts';
import { parseWebhookSecrets, webhookSecretsProblem } from '../app/radar-config';

export interface CalibrateOptions {
  body?: string;
  signature?: string;
  secret?: string;
  fromKafka?: boolean;
  limit?: number;
  json?: boolean;
}

/** What the command prints and its exit code (0: a scheme matches; 1: none does). */
export interface CalibrateResult {
  exitCode: 0 | 1;
  text: string;
}

/**
 * The secrets to try: `--secret`, else RADAR_CALIBRATE_SECRET, else every secret of
 * RADAR_WEBHOOK_SECRETS (current and previous while a secret is rotated; their schemes ignored).
 */
function secretsToTry(option: string | undefined, env: Env): string[] {
  const single = option ?? env['RADAR_CALIBRATE_SECRET'];
  if (single) return [single];
  const configured = env['RADAR_WEBHOOK_SECRETS'];
  if (configured) {
    const problem = webhookSecretsProblem(configured);
    if (problem) throw new UsageError(problem);
    return parseWebhookSecrets(configured, DEFAULT_SIGNING_SCHEME).map((k) => k.secret);
  }
  throw new UsageError(
    'calibrate: give the webhook secret with --secret, RADAR_CALIBRATE_SECRET or RADAR_WEBHOOK_SECRETS',
  );
}

function advice(scheme: string): string {
  return `set RADAR_SIGNING_SCHEME=${scheme} (or give the scheme in RADAR_WEBHOOK_SECRETS: [{"scheme":"${scheme}","secret":"…"}])`;
}

/** One captured delivery (`--body`, `--signature`). */
export function calibrateFile(options: CalibrateOptions, env: Env): CalibrateResult {
  if (!options.body || !options.signature)
    throw new UsageError('calibrate: give --body and --signature, or --from-kafka');
  const [secret] = secretsToTry(options.secret, env);
  const matches = calibrate(readFileSync(options.body), options.signature, secret);
  if (matches.length === 0)
    return {
      exitCode: 1,
      text: `no scheme matches (tried ${SIGNING_SCHEMES.join(', ')}): check the secret and that the body file holds the bytes exactly as delivered`,
    };
  return { exitCode: 0, text: `matches: ${matches.join(', ')}\n${advice(matches[0])}` };
}

/** How a calibration over the quarantine reads to an operator. */
export function describeCalibration(c: Calibration, secrets: number): CalibrateResult {
  const topic = TOPICS.webhookUnverified.name;
  const head = `${topic}: ${c.deliveries} refused deliveries, ${c.wellFormed} with a well-formed ${SIGNATURE_HEADER}; tried ${SIGNING_SCHEMES.length} schemes with ${secrets} secret(s)`;
  if (c.deliveries === 0)
    return {
      exitCode: 1,
      text: `${head}\nnothing to calibrate with yet: send FenX's test delivery (fenx-admin webhooks test) and run this again`,
    };
  if (c.matches.length === 0)
    return {
      exitCode: 1,
      text: `${head}\nno scheme matches any delivery: check the secret (it must be the webhook's, as given to FenX) and that nothing in front of radar rewrites the body`,
    };
  const lines = c.matches.map(
    (m) => `  ${m.scheme} with secret ${m.secretIndex + 1}: ${m.deliveries} of ${c.wellFormed}`,
  );
  const best = c.matches[0];
  const rest =
    best.deliveries < c.wellFormed
      ? `\n${c.wellFormed - best.deliveries} deliveries match no scheme with that secret: forged requests, or signed with a secret not given here`
      : '';
  return {
    exitCode: 0,
    text: `${head}\n${lines.join('\n')}\nFenX signs with ${best.scheme}: ${advice(best.scheme)}${rest}`,
  };
}

/** Every delivery in the quarantine topic (or the first `limit`), tried against every scheme. */
export async function calibrateFromKafka(options: CalibrateOptions, env: Env): Promise<CalibrateResult> {
  const secrets = secretsToTry(options.secret, env);
  const [kafkaEnv] = validateEnvAll([KafkaEnv], env);
  const kafka = createKafka(kafkaSettingsFrom(kafkaEnv));
  const records = await readTopic(kafka, TOPICS.webhookUnverified.name, { limit: options.limit });
  const deliveries = records.map(readUnverifiedDelivery).map((d) => ({
    body: d.body,
    signature: d.httpHeaders[SIGNATURE_HEADER],
  }));
  const calibration = calibrateDeliveries(deliveries, secrets);
  const result = describeCalibration(calibration, secrets.length);
  return options.json ? { ...result, text: JSON.stringify(calibration) } : result;
}
