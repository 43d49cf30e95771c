import type { FenxNotification } from '@fenx/fenx-events';
import type { ClockTimer } from '../core/clock';
import { Fifo } from '../core/fifo';
import type { DeliveryStatus, HttpPoster } from './http-poster';

export type WebhookStatus = 'Enabled' | 'UserDisabled' | 'SystemDisabled' | 'Retrying';

export interface QueuedItem {
  n: FenxNotification;
  seq: number;
}

/** What one request carries: one notification (Single) or up to batchSize (Batch). */
export interface DeliveryUnit {
  items: QueuedItem[];
  attempts: number;
  retry?: ClockTimer;
}

export interface RecentDelivery {
  when: string;
  notificationId: string;
  status: DeliveryStatus;
  httpStatusCode: number;
}

export interface DeliveryLogEntry {
  notificationId: string;
  eventType: string;
  outcome: 'delivered' | 'deadLettered';
  attempts: number;
  httpStatusCode: number;
  when: string;
}

export interface DeadLetter {
  notificationId: string;
  eventType: string;
  reason: 'retries-exhausted' | 'queue-full';
  when: string;
}

export const RECENT_DELIVERIES = 20;

export class WebhookState {
  name!: string;
  url!: string;
  secret!: string;
  enabled!: boolean;
  status!: WebhookStatus;
  eventTypes!: string[];
  emailAddresses: string[] = [];
  type: 'Single' | 'Batch' = 'Single';
  batchSize = 10;
  updated!: string;
  readonly queue = new Fifo<QueuedItem>();
  inFlight = 0;
  readonly retrying = new Set<DeliveryUnit>();
  recent: RecentDelivery[] = [];
  readonly deadLetter: DeadLetter[] = [];
  log: DeliveryLogEntry[] = [];
  logDropped = 0;
  seq = 0;
  awaitingNextEvent = false;
  deleted = false;
  readonly counters = { enqueued: 0, delivered: 0, deadLettered: 0, attempts: 0, failedAttempts: 0 };
  private matchAll = false;
  private types = new Set<string>();

  constructor(
    readonly id: string,
    readonly created: string,
    public poster: HttpPoster,
  ) {}

  setEventTypes(types: string[]): void {
    this.eventTypes = types;
    this.matchAll = types.includes('*');
    this.types = new Set(types.map((t) => t.trim().toLowerCase()));
  }

  subscribes(eventType: string): boolean {
    return this.matchAll || this.types.has(eventType.toLowerCase());
  }

  get sending(): boolean {
    return this.status === 'Enabled' || this.status === 'Retrying';
  }

  /** A list item (FenX's BasicWebhook): no delivery history. */
  basicView() {
    return {
      id: this.id,
      name: this.name,
      url: this.url,
      enabled: this.enabled,
      status: this.status,
      eventTypes: this.eventTypes,
      emailAddresses: this.emailAddresses,
      type: this.type,
      batchSize: this.batchSize,
      created: this.created,
      updated: this.updated,
    };
  }

  /** One webhook as `GET …/webhooks/{id}` shows it, with its last 20 deliveries. */
  view() {
    return { ...this.basicView(), lastDeliveries: this.recent };
  }
}
