import { Env, validateEnv } from '@fenx/config';
import { FenxClient, FenxClientEnv, fenxClientSettingsFrom } from '@fenx/fenx-client';
import { createKafka, KafkaClient, KafkaEnv, kafkaSettingsFrom, KafkaSettings } from '@fenx/kafka';

/** A FenX client from the FENX_* variables (fails naming every bad one). Close it when done. */
export function fenxClientFrom(env: Env): FenxClient {
  return new FenxClient(fenxClientSettingsFrom(validateEnv(FenxClientEnv, env)));
}

/** Kafka settings from the KAFKA_* variables, with the CLI's own client id by default. */
export function kafkaSettingsFromEnv(env: Env): KafkaSettings {
  return kafkaSettingsFrom(validateEnv(KafkaEnv, { KAFKA_CLIENT_ID: 'fenx-admin', ...env }));
}

/** Runs `fn` with a FenX client and always closes it. */
export async function withFenx<T>(env: Env, fn: (fenx: FenxClient) => Promise<T>): Promise<T> {
  const fenx = fenxClientFrom(env);
  try {
    return await fn(fenx);
  } finally {
    await fenx.close();
  }
}

/**
 * A Kafka client for the CLI. The client's own retry chatter stays off the terminal: what finally
 * fails is thrown and reported once, with its exit code.
 */
export function cliKafka(settings: KafkaSettings): KafkaClient {
  return createKafka(settings, { logCreator: () => () => undefined });
}
