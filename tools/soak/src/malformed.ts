import { KafkaClient, KafkaProducer } from '@fenx/kafka';
import { TOPICS } from '@fenx/kafka-contracts';
import type { KafkaCluster } from '@fenx/kafka/test';

/** Records no radar would write, straight into topic 1: the extractors must dead-letter or skip them. */
export async function writeMalformed(
  kafka: KafkaClient,
  broker: KafkaCluster,
  count: number,
): Promise<number> {
  if (count === 0) return 0;
  const producer = new KafkaProducer(kafka, broker.settings());
  await producer.connect();
  try {
    const values = [
      'not json',
      '[]',
      '{"schema":"fenx.webhook-event.v0"}',
      '{"schema":"fenx.webhook-event.v1"}',
      '',
    ];
    const records = Array.from({ length: count }, (_, i) => ({
      key: `malformed-${i}`,
      value: values[i % values.length],
    }));
    await producer.emit(TOPICS.webhookEvents.name, records);
    return count;
  } finally {
    await producer.disconnect();
  }
}

/**
 * Malformed records the extractors dead-lettered, each counted once per dead-letter topic: an
 * extractor killed before its commit dead-letters a record again (at least once).
 */
export function malformedDeadLettered(
  deadLetters: { topic: string; key?: string; source?: string }[],
): number {
  return new Set(
    deadLetters.filter((d) => d.key?.startsWith('malformed-')).map((d) => `${d.topic} ${d.source}`),
  ).size;
}
