import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { FenxNotification, relativeUrls, toWebhookBody } from '@fenx/fenx-events';
import { sign, SIGNATURE_HEADER } from '@fenx/hmac';
import { FenxHttpError, notFound } from '../api/fenx-envelope';
import { retryDelaysMs, SimulatorEnv } from '../config/simulator-env';
import { SimClock } from '../core/clock';
import { IdFactory } from '../core/prng';
import { NotificationBus } from '../events/notification-bus';
import { HttpPoster, PostResult } from './http-poster';
import type { CreateWebhookDto, UpdateWebhookDto } from './webhook.dto';
import { DeliveryUnit, QueuedItem, RECENT_DELIVERIES, WebhookState } from './webhook-state';

export const MAX_WEBHOOKS_PER_TENANT = 10;
const bySeq = (a: QueuedItem, b: QueuedItem) => a.seq - b.seq;

/**
 * Webhook registrations and FIFO delivery as FenX does it: one queue per webhook, success below
 * 400, retries at the configured simulated delays, then SystemDisabled with the notification in
 * the dead-letter list; a disabled webhook keeps queuing and resumes in order when re-enabled.
 */
@Injectable()
export class WebhookService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(WebhookService.name);
  private readonly webhooks = new Map<string, WebhookState>();
  private ids: IdFactory;
  private readonly delays: number[];
  private waiters: { below: number; resolve: () => void }[] = [];

  constructor(
    private readonly env: SimulatorEnv,
    private readonly clock: SimClock,
    private readonly bus: NotificationBus,
  ) {
    this.ids = new IdFactory(`${env.SIM_SEED}:webhooks`);
    this.delays = retryDelaysMs(env);
    bus.subscribe((n) => this.enqueue(n));
  }

  onModuleInit(): void {
    this.registerConfigured();
  }

  onModuleDestroy(): void {
    for (const w of this.webhooks.values()) this.drop(w);
    this.webhooks.clear();
  }

  list(): WebhookState[] {
    return [...this.webhooks.values()];
  }

  get(id: string): WebhookState {
    const w = this.webhooks.get(id);
    if (!w) throw notFound('Webhook', id);
    return w;
  }

  create(dto: CreateWebhookDto): WebhookState {
    if (this.webhooks.size >= MAX_WEBHOOKS_PER_TENANT)
      throw new FenxHttpError(
        400,
        'WEBHOOK_LIMIT_REACHED',
        `A tenant can have at most ${MAX_WEBHOOKS_PER_TENANT} webhooks`,
      );
    const w = new WebhookState(this.ids.next('webhook'), this.clock.nowIso(), this.poster(dto.url));
    w.name = dto.name;
    w.url = dto.url;
    w.secret = dto.secret;
    w.enabled = dto.enabled ?? true;
    w.status = w.enabled ? 'Enabled' : 'UserDisabled';
    w.setEventTypes(dto.eventTypes);
    w.emailAddresses = dto.emailAddresses ?? [];
    w.type = dto.type ?? 'Single';
    w.batchSize = dto.batchSize ?? 10;
    w.updated = w.created;
    this.webhooks.set(w.id, w);
    this.logger.log(`Webhook ${w.id} (${w.name}) registered for ${w.url}`);
    return w;
  }

  update(id: string, dto: UpdateWebhookDto): WebhookState {
    const w = this.get(id);
    if (dto.name !== undefined) w.name = dto.name;
    if (dto.secret !== undefined) w.secret = dto.secret;
    if (dto.eventTypes !== undefined) w.setEventTypes(dto.eventTypes);
    if (dto.emailAddresses !== undefined) w.emailAddresses = dto.emailAddresses;
    if (dto.type !== undefined) w.type = dto.type;
    if (dto.batchSize !== undefined) w.batchSize = dto.batchSize;
    if (dto.url !== undefined && dto.url !== w.url) {
      w.url = dto.url;
      w.poster.close();
      w.poster = this.poster(dto.url);
    }
    w.updated = this.clock.nowIso();
    if (dto.enabled === false && w.status !== 'UserDisabled') this.disable(w, 'UserDisabled');
    if (dto.enabled === true && !w.sending) this.enable(w);
    return w;
  }

  remove(id: string): void {
    const w = this.get(id);
    this.drop(w);
    this.webhooks.delete(id);
  }

  /** FenX's "Test" button: one example notification posted now, outside the queue. */
  async test(id: string) {
    const w = this.get(id);
    const testId = this.ids.next('test');
    const n: FenxNotification = {
      id: testId,
      tenantId: this.bus.tenantId,
      eventType: 'entitydata:created',
      relativeUrl: relativeUrls.entity(this.ids.next('test-entity')),
      payload: {},
      when: this.clock.nowIso(),
      correlationId: 'Test-CorrelationId',
      causationId: this.ids.next('test-cause'),
    };
    const result = await this.post(w, JSON.stringify(toWebhookBody(n)));
    this.remember(w, [n], result);
    return { delivery: { status: result.status, httpStatusCode: result.httpStatusCode } };
  }

  /** Events waiting for (or being sent to) webhooks that are sending: what burst mode throttles on. */
  backlog(): number {
    let n = 0;
    for (const w of this.webhooks.values()) if (w.sending && !w.deleted) n += w.queue.length + w.inFlight;
    return n;
  }

  whenBacklogBelow(below: number): Promise<void> {
    if (this.backlog() < below) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ below, resolve }));
  }

  reset(seed: string): void {
    this.onModuleDestroy();
    this.ids = new IdFactory(`${seed}:webhooks`);
    this.registerConfigured();
  }

  private registerConfigured(): void {
    if (!this.env.SIM_WEBHOOK_URL) return;
    this.create({
      name: 'configured',
      url: this.env.SIM_WEBHOOK_URL,
      secret: this.env.SIM_WEBHOOK_SECRET,
      eventTypes: this.env.SIM_WEBHOOK_EVENT_TYPES,
      enabled: true,
    });
  }

  private poster(url: string): HttpPoster {
    return new HttpPoster(url, this.env.SIM_DELIVERY_WINDOW, this.env.SIM_DELIVERY_TIMEOUT_MS);
  }

  private enqueue(n: FenxNotification): void {
    for (const w of this.webhooks.values()) {
      if (!w.subscribes(n.eventType)) continue;
      if (w.queue.length >= this.env.SIM_QUEUE_LIMIT) {
        this.deadLetter(w, [{ n, seq: ++w.seq }], 'queue-full', 0, 0);
        continue;
      }
      w.queue.push({ n, seq: ++w.seq });
      w.counters.enqueued += 1;
      w.awaitingNextEvent = false;
      this.pump(w);
    }
  }

  private pump(w: WebhookState): void {
    if (w.deleted || !w.sending || w.awaitingNextEvent || w.retrying.size > 0) return;
    const take = w.type === 'Batch' ? w.batchSize : 1;
    while (w.inFlight < this.env.SIM_DELIVERY_WINDOW && w.queue.length > 0) {
      this.send(w, { items: w.queue.take(take), attempts: 0 });
    }
  }

  private send(w: WebhookState, unit: DeliveryUnit): void {
    w.inFlight += 1;
    unit.attempts += 1;
    const bodies = unit.items.map((i) => toWebhookBody(i.n));
    const body = JSON.stringify(w.type === 'Batch' ? bodies : bodies[0]);
    void this.post(w, body).then((result) => this.settle(w, unit, result));
  }

  private post(w: WebhookState, body: string): Promise<PostResult> {
    return w.poster.post(body, {
      [SIGNATURE_HEADER]: sign(body, w.secret, this.env.SIM_SIGNING_SCHEME),
      'user-agent': 'fenx-simulator',
    });
  }

  private settle(w: WebhookState, unit: DeliveryUnit, result: PostResult): void {
    w.inFlight -= 1;
    if (w.deleted) return;
    w.counters.attempts += 1;
    this.remember(
      w,
      unit.items.map((i) => i.n),
      result,
    );
    if (result.status === 'Successful') {
      w.retrying.delete(unit);
      for (const item of unit.items) this.log(w, item, 'delivered', unit.attempts, result.httpStatusCode);
      w.counters.delivered += unit.items.length;
      if (w.status === 'Retrying' && w.retrying.size === 0) w.status = 'Enabled';
      this.pump(w);
      this.wakeWaiters();
      return;
    }
    w.counters.failedAttempts += 1;
    if (!w.sending) {
      // Disabled while this request was in flight: it goes back in line for after re-enabling.
      w.retrying.delete(unit);
      w.queue.putBack(unit.items);
      w.queue.sort(bySeq);
      return;
    }
    if (unit.attempts > this.delays.length) {
      w.retrying.delete(unit);
      this.deadLetter(w, unit.items, 'retries-exhausted', unit.attempts, result.httpStatusCode);
      this.disable(w, 'SystemDisabled');
      this.logger.warn(`Webhook ${w.id} disabled after ${unit.attempts} failed attempts`);
      this.wakeWaiters();
      return;
    }
    w.status = 'Retrying';
    w.retrying.add(unit);
    unit.retry = this.clock.after(this.delays[unit.attempts - 1], () => {
      unit.retry = undefined;
      if (!w.deleted && w.sending) this.send(w, unit);
    });
  }

  private enable(w: WebhookState): void {
    w.enabled = true;
    w.status = 'Enabled';
    w.awaitingNextEvent = this.env.SIM_RESUME_ON_NEXT_EVENT;
    this.pump(w);
  }

  private disable(w: WebhookState, status: 'UserDisabled' | 'SystemDisabled'): void {
    w.enabled = false;
    w.status = status;
    const pending: QueuedItem[] = [];
    for (const unit of w.retrying) {
      unit.retry?.cancel();
      pending.push(...unit.items);
    }
    w.retrying.clear();
    if (pending.length > 0) {
      w.queue.putBack(pending);
      w.queue.sort(bySeq);
    }
  }

  private drop(w: WebhookState): void {
    w.deleted = true;
    for (const unit of w.retrying) unit.retry?.cancel();
    w.retrying.clear();
    w.poster.close();
    this.wakeWaiters();
  }

  private remember(w: WebhookState, ns: FenxNotification[], r: PostResult): void {
    const when = this.clock.nowIso();
    for (const n of ns) {
      w.recent.unshift({ when, notificationId: n.id, status: r.status, httpStatusCode: r.httpStatusCode });
    }
    if (w.recent.length > RECENT_DELIVERIES) w.recent.length = RECENT_DELIVERIES;
  }

  private deadLetter(
    w: WebhookState,
    items: QueuedItem[],
    reason: 'retries-exhausted' | 'queue-full',
    attempts: number,
    httpStatusCode: number,
  ): void {
    const when = this.clock.nowIso();
    for (const item of items) {
      w.deadLetter.push({ notificationId: item.n.id, eventType: item.n.eventType, reason, when });
      this.log(w, item, 'deadLettered', attempts, httpStatusCode);
    }
    w.counters.deadLettered += items.length;
  }

  private log(
    w: WebhookState,
    item: QueuedItem,
    outcome: 'delivered' | 'deadLettered',
    attempts: number,
    httpStatusCode: number,
  ): void {
    w.log.push({
      notificationId: item.n.id,
      eventType: item.n.eventType,
      outcome,
      attempts,
      httpStatusCode,
      when: this.clock.nowIso(),
    });
    const limit = this.env.SIM_DELIVERY_LOG_LIMIT;
    if (w.log.length > limit) {
      const drop = Math.max(1, Math.floor(limit / 10));
      w.log.splice(0, drop);
      w.logDropped += drop;
    }
  }

  private wakeWaiters(): void {
    if (this.waiters.length === 0) return;
    const backlog = this.backlog();
    const ready = this.waiters.filter((x) => backlog < x.below);
    this.waiters = this.waiters.filter((x) => backlog >= x.below);
    for (const x of ready) x.resolve();
  }
}
