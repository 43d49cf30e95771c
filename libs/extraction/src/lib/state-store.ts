import { randomUUID } from 'node:crypto';
import { KafkaClient, KafkaProducer, readTopic, TopicName, TOPICS } from '@fenx/kafka';

export const PIPELINE_STATE_SCHEMA = 'fenx.pipeline-state.v1';

/** One value of the state topic (key = the state's name). */
export interface StateEntry<T = unknown> {
  schema: typeof PIPELINE_STATE_SCHEMA;
  key: string;
  value: T;
  /** ISO-8601, UTC. */
  writtenAt: string;
  /** Who wrote it (app name), for operators. */
  writer: string;
}

export interface StateStoreOptions {
  /** The compacted state topic; `fenx.pipeline.state.v1` by default. */
  topic?: TopicName;
  writer: string;
  /** How long reading the topic to its end may take. */
  readTimeoutMs?: number;
  /** Prefix of the throw-away consumer group that reads the topic (it never commits). */
  readerGroupPrefix?: string;
}

function parseEntry(key: string, value: Buffer | null): StateEntry | null | undefined {
  if (value === null) return null;
  try {
    const parsed = JSON.parse(value.toString('utf8')) as Partial<StateEntry>;
    if (parsed.schema !== PIPELINE_STATE_SCHEMA || parsed.key !== key) return undefined;
    return parsed as StateEntry;
  } catch {
    return undefined;
  }
}

/**
 * Small durable state of the pipeline's jobs (cursors) in a compacted Kafka topic, so a job can
 * run anywhere with an empty disk: `get` reads the topic from its start to the end offsets noted at
 * the call and keeps the latest value of each key; `put` resolves once Kafka acknowledged the write.
 * Values that are not this store's JSON are ignored (reported by `ignored`); a null value deletes.
 */
export class StateStore {
  private readonly topic: TopicName;
  /** Records of the topic that could not be read as state entries, in the last `readAll`. */
  ignored = 0;

  constructor(
    private readonly kafka: KafkaClient,
    private readonly producer: KafkaProducer,
    private readonly options: StateStoreOptions,
  ) {
    this.topic = options.topic ?? TOPICS.pipelineState.name;
  }

  async get<T>(key: string): Promise<StateEntry<T> | undefined> {
    return (await this.readAll()).get(key) as StateEntry<T> | undefined;
  }

  async put<T>(key: string, value: T): Promise<StateEntry<T>> {
    const entry: StateEntry<T> = {
      schema: PIPELINE_STATE_SCHEMA,
      key,
      value,
      writtenAt: new Date().toISOString(),
      writer: this.options.writer,
    };
    await this.producer.emit(this.topic, [{ key, value: JSON.stringify(entry) }]);
    return entry;
  }

  /** Deletes a key (a tombstone, which compaction eventually removes). */
  async delete(key: string): Promise<void> {
    await this.producer.emit(this.topic, [{ key, value: null }]);
  }

  /** The latest entry of every key. */
  async readAll(): Promise<Map<string, StateEntry>> {
    const entries = new Map<string, StateEntry>();
    this.ignored = 0;
    await readTopic(this.kafka, this.topic, {
      groupId: `${this.options.readerGroupPrefix ?? 'fenx-state-reader'}-${randomUUID()}`,
      timeoutMs: this.options.readTimeoutMs ?? 60000,
      onRecords: (records) => {
        for (const { key, value } of records) {
          if (key === null) continue;
          const entry = parseEntry(key, value);
          if (entry === null) entries.delete(key);
          else if (entry === undefined) this.ignored += 1;
          else entries.set(key, entry);
        }
      },
    });
    return entries;
  }
}
