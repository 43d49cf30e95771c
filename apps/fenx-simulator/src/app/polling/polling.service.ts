import { Injectable } from '@nestjs/common';
import {
  classifyEventType,
  FenxNotification,
  PolledNotification,
  toPolledNotification,
} from '@fenx/fenx-events';
import { notFound } from '../api/fenx-envelope';
import { SimulatorEnv } from '../config/simulator-env';
import { SimClock } from '../core/clock';
import { Fifo } from '../core/fifo';
import { IdFactory } from '../core/prng';
import { NotificationBus } from '../events/notification-bus';

export const FEEDS = [
  'all',
  'journey',
  'entitydata',
  'association',
  'document',
  'screening',
  'digitalidv',
] as const;
export type FeedId = (typeof FEEDS)[number];

interface Lease {
  items: FenxNotification[];
  expiresAt: number;
}

class Feed {
  readonly queue = new Fifo<FenxNotification>();
  readonly leases = new Map<string, Lease>();
  dropped = 0;
}

export interface Batch {
  batchId: string;
  notifications: PolledNotification[];
  moreAvailable: boolean;
}

/**
 * The event polling API: one queue per feed; `next` leases a batch, `complete` removes it; a
 * batch not completed within the lease is handed out again (at-least-once).
 */
@Injectable()
export class PollingService {
  private feeds = new Map<FeedId, Feed>();
  private ids: IdFactory;

  constructor(
    private readonly env: SimulatorEnv,
    private readonly clock: SimClock,
    bus: NotificationBus,
  ) {
    this.ids = new IdFactory(`${env.SIM_SEED}:batches`);
    this.resetFeeds();
    bus.subscribe((n) => this.append(n));
  }

  next(feedId: string): Batch | null {
    const feed = this.feed(feedId);
    const now = this.clock.now();
    const expired = [...feed.leases.entries()].filter(([, l]) => l.expiresAt <= now);
    if (expired.length > 0) {
      for (const [id] of expired) feed.leases.delete(id);
      feed.queue.putBack(expired.flatMap(([, l]) => l.items));
    }
    const items = feed.queue.take(this.env.SIM_POLL_BATCH_SIZE);
    if (items.length === 0) return null;
    const batchId = this.ids.next('batch');
    feed.leases.set(batchId, { items, expiresAt: now + this.env.SIM_POLL_LEASE_SECONDS * 1000 });
    return {
      batchId,
      notifications: items.map(toPolledNotification),
      moreAvailable: feed.queue.length > 0,
    };
  }

  complete(feedId: string, batchId: string): void {
    if (!this.feed(feedId).leases.delete(batchId)) throw notFound('Batch', batchId);
  }

  discardAll(feedId: string): void {
    const feed = this.feed(feedId);
    feed.queue.clear();
    feed.leases.clear();
  }

  stats() {
    return Object.fromEntries(
      [...this.feeds.entries()].map(([id, f]) => [
        id,
        { queued: f.queue.length, leasedBatches: f.leases.size, dropped: f.dropped },
      ]),
    );
  }

  reset(seed: string): void {
    this.ids = new IdFactory(`${seed}:batches`);
    this.resetFeeds();
  }

  private resetFeeds(): void {
    this.feeds = new Map(FEEDS.map((f) => [f, new Feed()]));
  }

  private feed(feedId: string): Feed {
    const feed = this.feeds.get(feedId.toLowerCase() as FeedId);
    if (!feed) throw notFound('Feed', feedId);
    return feed;
  }

  private append(n: FenxNotification): void {
    const { domain } = classifyEventType(n.eventType);
    const prefix = n.eventType.split(':')[0].toLowerCase();
    for (const [id, feed] of this.feeds) {
      if (id === 'all' || id === domain || id === prefix) {
        feed.queue.push(n);
        feed.dropped += feed.queue.trimTo(this.env.SIM_FEED_LIMIT);
      }
    }
  }
}
