import { createHash } from 'node:crypto';
import { KafkaClient, ReadRecord, TopicFollower } from '@fenx/kafka';
import {
  decodeEntityDetail,
  DEAD_LETTER_HEADER,
  decodeJourneyDetail,
  decodeWebhookEvent,
  EntityDetail,
  HEADER,
  headerText,
  JourneyDetail,
  TOPICS,
  webhookEventBody,
} from '@fenx/kafka-contracts';

/**
 * Follows topics from their beginning for the whole run (`TopicFollower`), handing every record to
 * `onRecord` as it arrives: size- and time-based retention may drop records before the end, so what
 * the soak checks at the end is what it saw on the way, not what the broker still holds.
 */
export class LiveTail extends TopicFollower {
  constructor(kafka: KafkaClient, topics: readonly string[], onRecord: (record: ReadRecord) => void) {
    super(kafka, topics, onRecord, { groupId: `soak-tail-${process.pid}-${Date.now()}-${topics.length}` });
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

  constructor(kafka: KafkaClient) {
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
 * to one partition, so the last record read is the latest), whatever compaction removed since.
 */
export class OutputTail extends LiveTail {
  /** The latest journey-details record per journey id. */
  readonly journeys = new Map<string, JourneyDetail>();
  /** The latest entity-details record per compaction key (entity id, or entity id/draft/draft id). */
  readonly entities = new Map<string, EntityDetail>();
  readonly deadLetters: { topic: string; reason: string; key?: string; source?: string }[] = [];

  constructor(kafka: KafkaClient) {
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
          reason: headerText(r.headers, DEAD_LETTER_HEADER.reason) ?? '(none)',
          key: r.key ?? undefined,
          source: headerText(r.headers, DEAD_LETTER_HEADER.source),
        });
      }
    });
  }
}
