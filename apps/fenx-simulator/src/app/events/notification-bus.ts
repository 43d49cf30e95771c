import type { FenxNotification } from '@fenx/fenx-events';
import type { SimClock } from '../core/clock';
import { IdFactory, Prng } from '../core/prng';

export interface EmitInput {
  eventType: string;
  relativeUrl: string;
  payload: Record<string, unknown>;
  /** The records this event concerns, for reports and the not-yet-retrievable fault. */
  entityId?: string;
  journeyId?: string;
  recordIds: string[];
  correlationId?: string | null;
  causationId?: string | null;
}

export interface LoggedEvent {
  notification: FenxNotification;
  at: number;
  entityId?: string;
  journeyId?: string;
}

export type Subscriber = (n: FenxNotification) => void;

export interface BusOptions {
  seed: string;
  tenantId: string;
  duplicateRate: number;
  eventLogLimit: number;
  emptyPayload: boolean;
}

/**
 * Turns what happened into FenX notifications: deterministic ids, `When` from the clock, a log
 * for reports and ground truth, and fan-out to the webhook and polling subscribers. A seeded
 * share of notifications is handed out twice with the same Id (FenX is at-least-once).
 */
export class NotificationBus {
  private ids: IdFactory;
  private duplicates: Prng;
  private readonly subscribers: Subscriber[] = [];
  private log: LoggedEvent[] = [];
  private readonly lastEventAt = new Map<string, number>();
  emitted = 0;
  duplicated = 0;
  logDropped = 0;

  constructor(
    private readonly options: BusOptions,
    private readonly clock: SimClock,
  ) {
    this.ids = new IdFactory(options.seed);
    this.duplicates = new Prng(options.seed, 'duplicates');
  }

  get tenantId(): string {
    return this.options.tenantId;
  }

  subscribe(s: Subscriber): void {
    this.subscribers.push(s);
  }

  nextCommandId(): string {
    return this.ids.next('command');
  }

  emit(input: EmitInput): FenxNotification {
    const at = this.clock.now();
    const n: FenxNotification = {
      id: this.ids.next('event'),
      tenantId: this.options.tenantId,
      eventType: input.eventType,
      relativeUrl: input.relativeUrl,
      payload: this.options.emptyPayload ? {} : input.payload,
      when: new Date(at).toISOString(),
      correlationId: input.correlationId ?? null,
      causationId: input.causationId ?? null,
    };
    this.emitted += 1;
    for (const id of input.recordIds) this.lastEventAt.set(id, at);
    this.append({ notification: n, at, entityId: input.entityId, journeyId: input.journeyId });
    for (const s of this.subscribers) s(n);
    if (this.duplicates.chance(this.options.duplicateRate)) {
      this.duplicated += 1;
      for (const s of this.subscribers) s(n);
    }
    return n;
  }

  /** Simulated time of the latest event about a record. */
  lastEventTime(recordId: string): number | undefined {
    return this.lastEventAt.get(recordId);
  }

  /** Logged events with `from <= at <= to`, oldest first (the log is in time order). */
  between(from: number, to: number): LoggedEvent[] {
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.log[mid].at < from) lo = mid + 1;
      else hi = mid;
    }
    const out: LoggedEvent[] = [];
    for (let i = lo; i < this.log.length && this.log[i].at <= to; i++) out.push(this.log[i]);
    return out;
  }

  page(offset: number, limit: number): LoggedEvent[] {
    const start = Math.max(0, offset - this.logDropped);
    return this.log.slice(start, start + limit);
  }

  logged(): number {
    return this.log.length;
  }

  reset(seed: string): void {
    this.options.seed = seed;
    this.ids = new IdFactory(seed);
    this.duplicates = new Prng(seed, 'duplicates');
    this.log = [];
    this.lastEventAt.clear();
    this.emitted = 0;
    this.duplicated = 0;
    this.logDropped = 0;
  }

  private append(e: LoggedEvent): void {
    this.log.push(e);
    if (this.log.length > this.options.eventLogLimit) {
      const drop = Math.max(1, Math.floor(this.options.eventLogLimit / 10));
      this.log.splice(0, drop);
      this.logDropped += drop;
    }
  }
}
