import { randomUUID } from 'node:crypto';
import { KafkaClient, KafkaProducer, readTopic } from '@fenx/kafka';
import {
  CONSUMER_GROUPS,
  parseStateEntry,
  PIPELINE_STATE_SCHEMA,
  StateEntry,
  TopicName,
  TOPICS,
} from '@fenx/kafka-contracts';

export interface StateStoreOptions {
  /** The compacted state topic; `fenx.pipeline.state.v1` by default. */
  topic?: TopicName;
  writer: string;
  /** How long reading the topic to its end may take. */
  readTimeoutMs?: number;
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
      groupId: `${CONSUMER_GROUPS.stateReaderPrefix}${randomUUID()}`,
      timeoutMs: this.options.readTimeoutMs ?? 60000,
      onRecords: (records) => {
        for (const { key, value } of records) {
          if (key === null) continue;
          const entry = parseStateEntry(key, value);
          if (entry === null) entries.delete(key);
          else if (entry === undefined) this.ignored += 1;
          else entries.set(key, entry);
        }
      },
    });
    return entries;
  }
}
