import type { Admin } from 'kafkajs';
import { kafkajs, type KafkaClient } from './kafka-client';
import { retryRetriable } from './retriable';
import { namespaced } from '@fenx/kafka-contracts';

/** A partition's first offset still held (`low`) and the offset its next record gets (`high`). */
export interface PartitionOffsets {
  partition: number;
  low: string;
  high: string;
}

/** The low and high watermarks of every partition of a topic, read over an open admin connection. */
export async function partitionOffsets(admin: Admin, topic: string): Promise<PartitionOffsets[]> {
  const offsets = await retryRetriable(`offsets of ${topic}`, () => admin.fetchTopicOffsets(topic));
  return offsets.map((o) => ({ partition: o.partition, low: o.low, high: o.high }));
}

/** What a consumer group committed on a topic, per partition; a partition it never committed is absent. */
export async function groupOffsets(
  admin: Admin,
  groupId: string,
  topic: string,
): Promise<Map<number, bigint>> {
  const [committed] = await retryRetriable(`committed offsets of ${groupId}`, () =>
    admin.fetchOffsets({ groupId: namespaced(groupId), topics: [topic] }),
  );
  const offsets = new Map<number, bigint>();
  for (const p of committed?.partitions ?? []) {
    const at = BigInt(p.offset);
    if (at >= 0n) offsets.set(p.partition, at);
  }
  return offsets;
}

async function withAdmin<T>(kafka: KafkaClient, call: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafkajs(kafka).admin();
  await admin.connect();
  try {
    return await call(admin);
  } finally {
    await admin.disconnect();
  }
}

/** The low and high watermarks of every partition of a topic (records held: high − low). */
export function topicOffsets(kafka: KafkaClient, topic: string): Promise<PartitionOffsets[]> {
  return withAdmin(kafka, (admin) => partitionOffsets(admin, topic));
}

/** Whether the cluster has a topic of this name. */
export function topicExists(kafka: KafkaClient, topic: string): Promise<boolean> {
  return withAdmin(kafka, async (admin) =>
    (await retryRetriable('listing topics', () => admin.listTopics())).includes(topic),
  );
}

/**
 * A cheap reachability check for readiness: whether the cluster answers a metadata request for a
 * topic in time, over one admin connection kept between `connect` and `disconnect`.
 */
export class KafkaProbe {
  private readonly admin: Admin;

  constructor(
    kafka: KafkaClient,
    private readonly topic: string,
  ) {
    this.admin = kafkajs(kafka).admin();
  }

  connect(): Promise<void> {
    return this.admin.connect();
  }

  disconnect(): Promise<void> {
    return this.admin.disconnect();
  }

  async check(timeoutMs = 2000): Promise<{ ok: boolean; reason?: string }> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      this.admin
        .fetchTopicMetadata({ topics: [this.topic] })
        .then(() => ({ ok: true }))
        .catch((e: Error) => ({ ok: false, reason: e.message })),
      new Promise<{ ok: boolean; reason: string }>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, reason: `no answer in ${timeoutMs} ms` }), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }
}
