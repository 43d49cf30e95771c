import type { IncomingHttpHeaders } from 'node:http';
import { KafkaProducer } from '@fenx/kafka';
import { TOPICS, unverifiedDeliveryRecord } from '@fenx/kafka-contracts';

export interface QuarantineOptions {
  /** Most deliveries kept per minute; 0 keeps none. */
  perMinute: number;
  /** Bodies larger than this are not kept. */
  maxBytes: number;
  /** Longest wait for the broker before a write counts as failed. */
  timeoutMs: number;
}

/** What became of a refused delivery offered to the quarantine, as soon as radar knows. */
export type QuarantineDecision = 'queued' | 'rate_capped' | 'too_large' | 'off';

/** `radar_quarantine_total{outcome}` values. */
export const QUARANTINE_OUTCOMES = ['stored', 'failed', 'rate_capped', 'too_large'] as const;
export type QuarantineOutcome = (typeof QUARANTINE_OUTCOMES)[number];

export interface RefusedDelivery {
  body: Buffer;
  headers: IncomingHttpHeaders;
  reason: string;
  requestId?: string;
}

/**
 * Keeps deliveries whose well-formed signature matched no configured key in
 * `fenx.webhook.unverified.v1`, so that `radar calibrate --from-kafka` can tell which scheme FenX
 * signs with. Evidence only: the delivery is still answered 401 (FenX retries it), the write never
 * delays that answer, and at most `perMinute` deliveries of at most `maxBytes` are kept, so a flood
 * of forged requests cannot fill the topic.
 */
export class Quarantine {
  private windowStart = 0;
  private inWindow = 0;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly producer: Pick<KafkaProducer, 'emit'>,
    private readonly options: QuarantineOptions,
    private readonly observe: (outcome: QuarantineOutcome, error?: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  offer(delivery: RefusedDelivery): QuarantineDecision {
    if (this.options.perMinute === 0) return 'off';
    if (delivery.body.length > this.options.maxBytes) {
      this.observe('too_large');
      return 'too_large';
    }
    const now = this.now();
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now;
      this.inWindow = 0;
    }
    if (this.inWindow >= this.options.perMinute) {
      this.observe('rate_capped');
      return 'rate_capped';
    }
    this.inWindow++;
    const record = unverifiedDeliveryRecord({ ...delivery, receivedAt: new Date(now) });
    const write = this.store(record);
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
    return 'queued';
  }

  private async store(record: ReturnType<typeof unverifiedDeliveryRecord>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.producer.emit(TOPICS.webhookUnverified.name, [record]),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no acknowledgement within ${this.options.timeoutMs} ms`)),
            this.options.timeoutMs,
          );
        }),
      ]);
      this.observe('stored');
    } catch (error) {
      this.observe('failed', error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits for the writes under way (at shutdown, before the producer disconnects). */
  async drain(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
