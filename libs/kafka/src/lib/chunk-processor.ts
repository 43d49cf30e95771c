import type { KafkaMessage } from 'kafkajs';
import { deadLetterRecord, OutgoingRecord, TopicName } from '@fenx/kafka-contracts';
import { KafkaProducer, TopicRecords } from './kafka-producer';

/** A record as the batch handler sees it. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Kafka record timestamp, milliseconds since the epoch. */
  timestamp: string;
}

export interface RecordFailure {
  records: ConsumedRecord[];
  reason: string;
  /**
   * False when retrying cannot help (e.g. a value that can never be decoded): the records go to the
   * dead-letter topic at once instead of being divided and retried. Default true.
   */
  retryable?: boolean;
}

/** What a handler made of a chunk: records to write, and the records it could not process (retried). */
export interface HandlerResult {
  outputs: TopicRecords[];
  failures?: RecordFailure[];
}

export interface BatchContext {
  /** Identifies one chunk in logs and in the headers of what it produces. */
  batchId: string;
  /** 0 on the first attempt; grows as failed records are divided and retried. */
  depth: number;
}

export type BatchHandler = (records: ConsumedRecord[], context: BatchContext) => Promise<HandlerResult>;

/**
 * Thrown by a handler when no record is at fault and nothing should be retried or dead-lettered
 * (e.g. the credentials were refused): the consumer stops without committing.
 */
export class StopConsumerError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'StopConsumerError';
  }
}

/** A retry of failed records, divided (for metrics and logs). */
export interface RetryInfo {
  batchId: string;
  depth: number;
  records: number;
  reason: string;
}

export function toConsumed(topic: string, partition: number, m: KafkaMessage): ConsumedRecord {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? String(v[0]) : String(v);
  }
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ? m.key.toString('utf8') : null,
    value: m.value,
    headers,
    timestamp: m.timestamp,
  };
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export interface DeadLetter {
  record: ConsumedRecord;
  reason: string;
  attempts: number;
}

/** What `ChunkProcessor.process` made of a chunk, all of it acknowledged by Kafka. */
export interface ChunkOutcome {
  /** Records produced (dead letters not counted). */
  outputs: number;
  deadLetters: DeadLetter[];
  splits: number;
}

export interface ChunkProcessorOptions {
  producer: KafkaProducer;
  groupId: string;
  deadLetterTopic: TopicName;
  handler: BatchHandler;
  listener?: { retrying?(info: RetryInfo): void };
  /** How many times failed records are divided and retried before they are dead-lettered. */
  maxRetryDepth?: number;
  retryBackoff?: { initialMs: number; maxMs: number };
  /** Randomness for backoff jitter (tests pass a seeded one). */
  random?: () => number;
}

interface Outcome {
  outputs: TopicRecords[];
  deadLetters: DeadLetter[];
  splits: number;
}

/**
 * One chunk with the consumers' guarantees (`BatchConsumer`, and consumers that form chunks
 * themselves, like the extractors' coalescing one): records
 * the handler fails on are divided in halves and retried with backoff, up to `maxRetryDepth` levels;
 * what still fails goes to the dead-letter topic with the reason and the source offset. `process`
 * resolves once everything was acknowledged by Kafka, and rejects (nothing may be committed) when
 * Kafka refused it or the handler threw `StopConsumerError`.
 */
export class ChunkProcessor {
  private readonly maxRetryDepth: number;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly random: () => number;

  constructor(private readonly options: ChunkProcessorOptions) {
    this.maxRetryDepth = options.maxRetryDepth ?? 10;
    this.backoff = options.retryBackoff ?? { initialMs: 100, maxMs: 10000 };
    this.random = options.random ?? Math.random;
  }

  async process(chunk: ConsumedRecord[], batchId: string): Promise<ChunkOutcome> {
    const outcome = await this.attempt(chunk, batchId, 0);
    const deadLetters: TopicRecords[] =
      outcome.deadLetters.length > 0
        ? [
            {
              topic: this.options.deadLetterTopic,
              records: outcome.deadLetters.map((d) => this.deadLetterRecord(d.record, d.reason, d.attempts)),
            },
          ]
        : [];
    const batches = [...outcome.outputs, ...deadLetters].filter((b) => b.records.length > 0);
    if (batches.length > 0) await this.options.producer.emitMany(batches);
    return {
      outputs: outcome.outputs.reduce((n, b) => n + b.records.length, 0),
      deadLetters: outcome.deadLetters,
      splits: outcome.splits,
    };
  }

  private async attempt(records: ConsumedRecord[], batchId: string, depth: number): Promise<Outcome> {
    let result: HandlerResult;
    try {
      result = await this.options.handler(records, { batchId, depth });
    } catch (error) {
      if (error instanceof StopConsumerError) throw error;
      result = { outputs: [], failures: [{ records, reason: describeError(error) }] };
    }
    const outcome: Outcome = { outputs: [...result.outputs], deadLetters: [], splits: 0 };
    for (const failure of result.failures ?? []) {
      if (failure.records.length === 0) continue;
      if (depth >= this.maxRetryDepth || failure.retryable === false) {
        for (const record of failure.records)
          outcome.deadLetters.push({ record, reason: failure.reason, attempts: depth + 1 });
        continue;
      }
      this.options.listener?.retrying?.({
        batchId,
        depth,
        records: failure.records.length,
        reason: failure.reason,
      });
      await this.sleep(depth);
      const half = Math.ceil(failure.records.length / 2);
      const halves =
        failure.records.length > 1
          ? [failure.records.slice(0, half), failure.records.slice(half)]
          : [failure.records];
      if (halves.length > 1) outcome.splits += 1;
      for (const part of halves) {
        const sub = await this.attempt(part, batchId, depth + 1);
        outcome.outputs.push(...sub.outputs);
        outcome.deadLetters.push(...sub.deadLetters);
        outcome.splits += sub.splits;
      }
    }
    return outcome;
  }

  private sleep(depth: number): Promise<void> {
    // Full jitter: a random wait up to the exponential bound spreads retries of many consumers.
    const bound = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** depth);
    return new Promise((resolve) => setTimeout(resolve, Math.round(this.random() * bound)));
  }

  private deadLetterRecord(record: ConsumedRecord, reason: string, attempts: number): OutgoingRecord {
    return deadLetterRecord(record, { reason, attempts, group: this.options.groupId, at: new Date() });
  }
}
