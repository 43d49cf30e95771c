import { createKafka, KafkaProducer, KafkaSettings } from '@fenx/kafka';
import {
  OutgoingRecord,
  positionText,
  REPLAY_HEADER,
  TopicName,
  withoutNamespace,
} from '@fenx/kafka-contracts';
import { parseLakePath, toLakeLine } from '@fenx/lake-sql';
import { LakeLine, lineValue } from './lake-files';
import type { LakeStore } from './lake-store';

export interface ReplayOptions {
  topic: string;
  /** Records whose timestamp is in [from, to). */
  from: Date;
  to: Date;
  into: TopicName;
  batchSize?: number;
  onProgress?: (done: number) => void;
}

/**
 * The lines of a topic's files whose record timestamp is in [from, to), in file order: lake-sink's
 * and Kafka Connect's files alike.
 */
export async function* linesBetween(
  store: LakeStore,
  topic: string,
  from: Date,
  to: Date,
): AsyncGenerator<LakeLine> {
  for (const path of await store.list(`topic=${withoutNamespace(topic)}/`)) {
    const at = parseLakePath(path);
    if (!at || at.hour.getTime() >= to.getTime() + (at.writer === 'connect' ? Infinity : 0)) continue;
    // A file's records are older than its hour's end (Connect's hour is when it wrote the file, at
    // or after the records' time, so its later files may still hold records of the period).
    if (at.hour.getTime() + 3_600_000 + (at.writer === 'connect' ? 3_600_000 : 0) <= from.getTime()) continue;
    for (const text of (await store.get(path)).toString('utf8').split('\n')) {
      if (text === '') continue;
      // lake-sink's lines as they are, Kafka Connect's turned into the same shape.
      const line = toLakeLine(path, JSON.parse(text));
      const t = Date.parse(line.timestamp);
      if (t >= from.getTime() && t < to.getTime()) yield line;
    }
  }
}

/**
 * Re-publishes what the lake holds of a topic for a period into a topic (the same one by default):
 * key, value and headers as they were, plus where each record came from.
 */
export async function replay(store: LakeStore, kafka: KafkaSettings, o: ReplayOptions): Promise<number> {
  const producer = new KafkaProducer(createKafka(kafka, { logCreator: () => () => undefined }), kafka);
  await producer.connect();
  let done = 0;
  let batch: OutgoingRecord[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await producer.emit(o.into, batch);
    done += batch.length;
    batch = [];
    o.onProgress?.(done);
  };
  try {
    for await (const line of linesBetween(store, o.topic, o.from, o.to)) {
      batch.push({
        key: line.key ?? '',
        value: lineValue(line),
        headers: {
          ...line.headers,
          [REPLAY_HEADER.from]: positionText(line),
        },
      });
      if (batch.length >= (o.batchSize ?? 500)) await flush();
    }
    await flush();
  } finally {
    await producer.disconnect();
  }
  return done;
}
