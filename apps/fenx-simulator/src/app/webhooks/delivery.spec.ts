import type { WebhookBody } from '@fenx/fenx-events';
import { waitFor } from '@fenx/testing';
import { bootSimulator } from '../../test/sim-harness';
import { WebhookReceiver } from '../../test/webhook-receiver';
import { SimClock } from '../core/clock';
import { WebhookService } from './webhook.service';

const SECRET = 'delivery-secret';
const MINUTE = 60_000;

interface Events {
  events: { id: string; eventType: string }[];
}

async function setUp(env: Record<string, string>) {
  const receiver = new WebhookReceiver(SECRET);
  const url = await receiver.start();
  const sim = await bootSimulator({ SIM_WEBHOOK_URL: url, SIM_WEBHOOK_SECRET: SECRET, ...env });
  const webhooks = sim.get(WebhookService);
  const webhook = () => webhooks.list()[0];
  return { receiver, sim, webhook };
}

describe('webhook delivery on a manual clock', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    ctx = await setUp({ SIM_CLOCK: 'manual' });
  });
  afterAll(async () => {
    await ctx.sim.close();
    await ctx.receiver.stop();
  });

  it('retries at 2, 4, 8 and 16 minutes, then disables, dead-letters, keeps queuing, and resumes in order', async () => {
    const { receiver, sim, webhook } = ctx;
    const clock = sim.get(SimClock);
    receiver.respond = () => 500;
    await sim.sim('POST', '/generator/step', { count: 1 });
    const [first] = (await sim.sim<Events>('GET', '/events')).events;
    await waitFor(() => receiver.received.length === 1 && webhook().status === 'Retrying', {
      what: 'first attempt',
    });

    for (const delay of [2, 4, 8, 16]) {
      const attempts = receiver.received.length;
      clock.advance(delay * MINUTE - 1);
      expect(webhook().inFlight).toBe(0);
      clock.advance(1);
      expect(webhook().inFlight).toBe(1);
      await waitFor(() => receiver.received.length === attempts + 1 && webhook().inFlight === 0, {
        what: `retry after ${delay} min`,
      });
    }
    expect(receiver.received.map((r) => r.body.Id)).toEqual(Array(5).fill(first.id));
    expect(receiver.received.every((r) => r.signatureOk)).toBe(true);
    const whens = webhook()
      .recent.map((d) => Date.parse(d.when))
      .reverse();
    expect(whens.slice(1).map((t, i) => (t - whens[i]) / MINUTE)).toEqual([2, 4, 8, 16]);
    expect(webhook().status).toBe('SystemDisabled');
    expect(webhook().enabled).toBe(false);
    expect(webhook().deadLetter).toEqual([
      {
        notificationId: first.id,
        eventType: first.eventType,
        reason: 'retries-exhausted',
        when: expect.any(String),
      },
    ]);

    // Disabled: events keep queuing, nothing is sent.
    await sim.sim('POST', '/generator/step', { count: 30 });
    clock.advance(60 * MINUTE);
    const queued = (await sim.sim<Events>('GET', '/events?limit=1000')).events.slice(1).map((e) => e.id);
    expect(webhook().queue.length).toBe(queued.length);
    expect(webhook().inFlight).toBe(0);
    expect(receiver.received).toHaveLength(5);

    // Re-enabled through the API: delivery resumes, in order, without the dead-lettered one.
    receiver.respond = () => 200;
    const res = await sim.api(`/webhooks/v1/webhooks/${webhook().id}`, {
      method: 'PUT',
      json: { enabled: true },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const shown = await sim.api(`/webhooks/v1/webhooks/${webhook().id}`);
    expect(((await shown.json()) as { webhook: { status: string } }).webhook.status).toBe('Enabled');
    await waitFor(() => receiver.acknowledged().length === queued.length, { what: 'queued deliveries' });
    expect(receiver.acknowledged().map((b) => b.Id)).toEqual(queued);
    const truth = await sim.sim<{
      webhooks: { delivered: number; deadLettered: number; deliveryLog: { outcome: string }[] }[];
    }>('GET', '/ground-truth');
    expect(truth.webhooks[0]).toMatchObject({ delivered: queued.length, deadLettered: 1 });
    expect(truth.webhooks[0].deliveryLog.filter((l) => l.outcome === 'delivered')).toHaveLength(
      queued.length,
    );
  });
});

describe('webhook delivery on a scaled clock', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    // 6000x: the 2-4-8-16 minute schedule takes 0.3 real s, and a busy machine's late timers stay far from a day.
    ctx = await setUp({ SIM_CLOCK: 'scaled', SIM_TIME_SCALE: '6000', SIM_STEP_INTERVAL_MS: '600000000' });
  });
  afterAll(async () => {
    await ctx.sim.close();
    await ctx.receiver.stop();
  });

  it('recovers within the retry schedule when the receiver comes back', async () => {
    const { receiver, sim, webhook } = ctx;
    receiver.received.length = 0;
    receiver.respond = (_b, n) => (n < 2 ? 502 : 200);
    await sim.sim('POST', '/generator/step', { count: 3 });
    const ids = (await sim.sim<Events>('GET', '/events')).events.map((e) => e.id);
    await waitFor(() => receiver.acknowledged().length === ids.length, { what: 'deliveries' });
    expect(receiver.acknowledged().map((b) => b.Id)).toEqual(ids);
    expect(webhook().status).toBe('Enabled');
    expect(webhook().log[0]).toMatchObject({ notificationId: ids[0], outcome: 'delivered', attempts: 3 });
  });

  it('runs the whole retry, disable and re-enable cycle in real milliseconds', async () => {
    const { receiver, sim, webhook } = ctx;
    receiver.respond = () => 500;
    const before = receiver.received.length;
    await sim.sim('POST', '/generator/step', { count: 5 });
    await waitFor(() => webhook().status === 'SystemDisabled', { what: 'system disable' });
    expect(receiver.received.length - before).toBe(5);
    const pending = webhook().queue.length;
    expect(pending).toBeGreaterThan(0);
    receiver.respond = () => 200;
    const acked = receiver.acknowledged().length;
    await sim.api(`/webhooks/v1/webhooks/${webhook().id}`, { method: 'PUT', json: { enabled: true } });
    await waitFor(() => receiver.acknowledged().length === acked + pending, {
      what: 'resumed deliveries',
      timeoutMs: 60000,
    });
    expect(webhook().status).toBe('Enabled');
  }, 90000);
});

describe('duplicates, batches and fan-out', () => {
  let ctx: Awaited<ReturnType<typeof setUp>>;

  beforeAll(async () => {
    ctx = await setUp({ SIM_DUPLICATE_RATE: '0.3', SIM_DELIVERY_WINDOW: '4' });
  });
  afterAll(async () => {
    await ctx.sim.close();
    await ctx.receiver.stop();
  });

  it('delivers some notifications twice with the same Id', async () => {
    const { receiver, sim } = ctx;
    await sim.sim('POST', '/generator/step', { count: 100 });
    const truth = await sim.sim<{ events: { emitted: number; duplicated: number } }>('GET', '/ground-truth');
    expect(truth.events.duplicated).toBeGreaterThan(0);
    const total = truth.events.emitted + truth.events.duplicated;
    await waitFor(() => receiver.acknowledged().length === total, { what: 'all deliveries' });
    const ids = receiver.acknowledged().map((b) => b.Id);
    expect(new Set(ids).size).toBe(truth.events.emitted);
  });

  it('posts arrays to a Batch webhook, signed over the array', async () => {
    const { sim } = ctx;
    const batchReceiver = new WebhookReceiver(SECRET);
    const url = await batchReceiver.start();
    await sim.api('/webhooks/v1/webhooks', {
      method: 'POST',
      json: { name: 'batch', url, secret: SECRET, eventTypes: ['*'], type: 'Batch', batchSize: 10 },
    });
    await sim.sim('POST', '/generator/step', { count: 40 });
    await waitFor(() => batchReceiver.received.length > 0, { what: 'a batch' });
    const first = batchReceiver.received[0];
    expect(Array.isArray(first.body)).toBe(true);
    expect((first.body as unknown as WebhookBody[]).length).toBeGreaterThan(0);
    expect(first.signatureOk).toBe(true);
    await batchReceiver.stop();
  });
});
