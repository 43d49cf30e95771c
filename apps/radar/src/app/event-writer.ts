import type { KafkaProducer } from '@fenx/kafka';
import type { OutgoingRecord, TopicName } from '@fenx/kafka-contracts';

export interface GroupCommitOptions {
  topic: TopicName;
  /** How long the first record of a group waits for others. */
  lingerMs: number;
  /** A group is sent at once when it reaches this many records. */
  batchMax: number;
  /** Called once per produce call with its size, duration and outcome. */
  observe?: (call: { records: number; seconds: number; error?: unknown }) => void;
}

interface Pending {
  record: OutgoingRecord;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: records written at about the same time share one produce call; each caller's
 * promise settles with the broker's answer for the call its record went in. Nothing is
 * acknowledged that the broker has not acknowledged.
 */
export class GroupCommitWriter {
  private group: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly producer: Pick<KafkaProducer, 'emit'>,
    private readonly options: GroupCommitOptions,
  ) {}

  write(record: OutgoingRecord): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the writer is shutting down'));
    return new Promise<void>((resolve, reject) => {
      this.group.push({ record, resolve, reject });
      if (this.group.length >= this.options.batchMax) this.flush();
      else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.options.lingerMs);
    });
  }

  /** Sends what is waiting now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.group.length === 0) return;
    const group = this.group;
    this.group = [];
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    const call = this.producer
      .emit(
        this.options.topic,
        group.map((p) => p.record),
      )
      .then(
        () => {
          this.options.observe?.({ records: group.length, seconds: seconds() });
          for (const p of group) p.resolve();
        },
        (error: unknown) => {
          this.options.observe?.({ records: group.length, seconds: seconds(), error });
          for (const p of group) p.reject(error);
        },
      );
    this.inFlight.add(call);
    void call.finally(() => this.inFlight.delete(call));
  }

  /** Refuses new records, sends the waiting ones and waits for every call in flight. */
  async close(): Promise<void> {
    this.closed = true;
    this.flush();
    await Promise.allSettled([...this.inFlight]);
  }
}
