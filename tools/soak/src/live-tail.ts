import { createHash } from 'node:crypto';
import {
  createConsumer,
  createKafka,
  decodeEntityDetail,
  decodeJourneyDetail,
  decodeWebhookEvent,
  EntityDetail,
  HEADER,
  headerText,
  JourneyDetail,
  ReadRecord,
  TOPICS,
  webhookEventBody,
} from '@fenx/kafka';
import { waitFor } from '@fenx/testing';

type Kafka = ReturnType<typeof createKafka>;

/**
 * Follows topics from their beginning for the whole run, handing every record to `onRecord` as it
 * arrives. The dev broker keeps 5 MB per partition and drops the oldest records beyond it (a
 * size-based retention), so what the soak checks at the end is what it saw on the way, not what the
 * broker still holds.
 */
export class LiveTail {
  records = 0;
  private readonly next = new Map<string, bigint>();
  private readonly consumer: ReturnType<typeof createConsumer>;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: readonly string[],
    private readonly onRecord: (record: ReadRecord) => void,
  ) {
    this.consumer = createConsumer(kafka, `soak-tail-${process.pid}-${Date.now()}-${topics.length}`);
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.topics], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        for (const m of batch.messages) {
          const at = `${batch.topic}/${batch.partition}`;
          // A rejoin after a broker fault starts the group over from the beginning (it commits nothing):
          // records already seen are not seen twice.
          if (BigInt(m.offset) < (this.next.get(at) ?? 0n)) continue;
          this.records += 1;
          this.onRecord({
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            key: m.key ? m.key.toString('utf8') : null,
            value: m.value,
            headers: m.headers ?? {},
            timestamp: m.timestamp,
          });
          this.next.set(at, BigInt(m.offset) + 1n);
        }
        await heartbeat();
      },
    });
  }

  /** Waits until every partition of every followed topic has been read up to its end as of now. */
  async caughtUp(timeoutMs = 300000): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      // One topic at a time: kafkajs's admin mixes up concurrent fetchTopicOffsets answers.
      const ends: { topic: string; partition: number; high: string; low: string }[] = [];
      for (const topic of this.topics)
        for (const o of await admin.fetchTopicOffsets(topic)) ends.push({ topic, ...o });
      await waitFor(
        async () =>
          ends.every(
            (o) =>
              BigInt(o.high) <= BigInt(o.low) ||
              (this.next.get(`${o.topic}/${o.partition}`) ?? 0n) >= BigInt(o.high),
          ),
        { timeoutMs, intervalMs: 500, what: `the live tail of ${this.topics.join(', ')} to reach their end` },
      );
    } finally {
      await admin.disconnect();
    }
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

export function bodyHash(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('hex');
}

/** Topic 1 as the run went: the notification id of every webhook record and a hash of every body. */
export class Topic1Tail extends LiveTail {
  readonly ids: string[] = [];
  /** SHA-256 of every stored webhook body, for the fuzz campaign's "accepted means stored" check. */
  readonly bodies = new Set<string>();

  constructor(kafka: Kafka) {
    super(kafka, [TOPICS.webhookEvents.name], (r) => {
      if (headerText(r.headers, HEADER.origin) === 'webhook')
        this.ids.push(headerText(r.headers, HEADER.notificationId) ?? '');
      const e = decodeWebhookEvent(r.value);
      if (e.ok) this.bodies.add(bodyHash(webhookEventBody(e.value)));
    });
  }
}

export const DEAD_LETTER_TOPICS = Object.values(TOPICS)
  .filter((t) => t.name.endsWith('.dead-letter.v1'))
  .map((t) => t.name);

/**
 * The detail topics and the dead-letter topics as the run went. The detail topics are compacted:
 * real Kafka keeps at least the latest record per key, and that is what this keeps (one key goes
 * to one partition, so the last record read is the latest), whatever the dev broker's size
 * retention dropped since.
 */
export class OutputTail extends LiveTail {
  /** The latest journey-details record per journey id. */
  readonly journeys = new Map<string, JourneyDetail>();
  /** The latest entity-details record per compaction key (entity id, or entity id/draft/draft id). */
  readonly entities = new Map<string, EntityDetail>();
  readonly deadLetters: { topic: string; reason: string; key?: string; source?: string }[] = [];

  constructor(kafka: Kafka) {
    super(kafka, [TOPICS.journeyDetails.name, TOPICS.entityDetails.name, ...DEAD_LETTER_TOPICS], (r) => {
      if (r.topic === TOPICS.journeyDetails.name) {
        const d = decodeJourneyDetail(r.value);
        if (d.ok) this.journeys.set(d.value.journeyId, d.value);
      } else if (r.topic === TOPICS.entityDetails.name) {
        const d = decodeEntityDetail(r.value);
        if (d.ok && r.key) this.entities.set(r.key, d.value);
      } else {
        this.deadLetters.push({
          topic: r.topic,
          reason: headerText(r.headers, 'dead-letter-reason') ?? '(none)',
          key: r.key ?? undefined,
          source: headerText(r.headers, 'dead-letter-source'),
        });
      }
    });
  }
}
