import { calibrate } from '@fenx/hmac';
import { waitFor } from '@fenx/testing';
import { bootSimulator, SimHarness } from '../../test/sim-harness';
import { WebhookReceiver } from '../../test/webhook-receiver';

const SECRET = 'contract-secret';

describe('webhook management contract', () => {
  let sim: SimHarness;
  let receiver: WebhookReceiver;
  let target: string;

  beforeAll(async () => {
    sim = await bootSimulator({ SIM_SIGNING_SCHEME: 'sha256-hex-lower' });
    receiver = new WebhookReceiver(SECRET, 'sha256-hex-lower');
    target = await receiver.start();
  });
  afterAll(async () => {
    await sim.close();
    await receiver.stop();
  });

  const create = (overrides: Record<string, unknown> = {}) =>
    sim.api('/webhooks/v1/webhooks', {
      method: 'POST',
      json: { name: 'wh', url: target, secret: SECRET, enabled: true, eventTypes: ['*'], ...overrides },
    });
  const json = async <T>(res: Response) => (await res.json()) as T;

  it('creates, lists, reads, updates and deletes webhooks without ever returning the secret', async () => {
    const res = await create({ name: 'first', emailAddresses: ['ops@bank.example'] });
    expect(res.status).toBe(200);
    const { webhookId } = await json<{ webhookId: string }>(res);
    const list = await json<{ webHooks: Record<string, unknown>[] }>(await sim.api('/webhooks/v1/webhooks'));
    expect(list.webHooks).toHaveLength(1);
    expect(list.webHooks[0]).toEqual({
      id: webhookId,
      name: 'first',
      url: target,
      enabled: true,
      status: 'Enabled',
      eventTypes: ['*'],
      emailAddresses: ['ops@bank.example'],
      type: 'Single',
      batchSize: 10,
      created: expect.any(String),
      updated: expect.any(String),
    });
    expect(JSON.stringify(list)).not.toContain(SECRET);
    const put = await sim.api(`/webhooks/v1/webhooks/${webhookId}`, {
      method: 'PUT',
      json: { name: 'renamed', enabled: false },
    });
    expect(put.status).toBe(200);
    expect(await put.text()).toBe('');
    const renamed = await json<{ webhook: Record<string, unknown> }>(
      await sim.api(`/webhooks/v1/webhooks/${webhookId}`),
    );
    expect(renamed.webhook).toMatchObject({
      name: 'renamed',
      enabled: false,
      status: 'UserDisabled',
      lastDeliveries: [],
    });
    // PUT without a secret keeps it: the test delivery still verifies with the original secret.
    const test = await json<{ delivery: { status: string; httpStatusCode: number } }>(
      await sim.api(`/webhooks/v1/webhooks/${webhookId}/test`),
    );
    expect(test).toEqual({ delivery: { status: 'Successful', httpStatusCode: 200 } });
    const last = receiver.received[receiver.received.length - 1];
    expect(last.signatureOk).toBe(true);
    expect(last.signature).toMatch(/^sha256=[0-9A-F]{64}$/);
    expect(calibrate(last.raw, last.signature, SECRET)).toEqual(['sha256-hex-lower']);
    expect(Object.keys(last.body)).toEqual([
      'Id',
      'TenantId',
      'EventType',
      'RelativeUrl',
      'Payload',
      'When',
      'CorrelationId',
      'CausationId',
    ]);
    const one = await json<{ webhook: { lastDeliveries: { notificationId: string; status: string }[] } }>(
      await sim.api(`/webhooks/v1/webhooks/${webhookId}`),
    );
    expect(one.webhook.lastDeliveries[0]).toEqual({
      when: expect.any(String),
      notificationId: last.body.Id,
      status: 'Successful',
      httpStatusCode: 200,
    });
    const deleted = await sim.api(`/webhooks/v1/webhooks/${webhookId}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(await deleted.text()).toBe('');
    expect((await sim.api(`/webhooks/v1/webhooks/${webhookId}`)).status).toBe(404);
  });

  it('reports a failed test delivery', async () => {
    const { webhookId } = await json<{ webhookId: string }>(await create());
    receiver.respond = () => 503;
    const test = await json(await sim.api(`/webhooks/v1/webhooks/${webhookId}/test`));
    receiver.respond = () => 200;
    expect(test).toEqual({ delivery: { status: 'Failed', httpStatusCode: 503 } });
    await sim.api(`/webhooks/v1/webhooks/${webhookId}`, { method: 'DELETE' });
  });

  it('allows at most 10 webhooks per tenant', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await create({ name: `wh-${i}`, enabled: false });
      expect(res.status).toBe(200);
      ids.push((await json<{ webhookId: string }>(res)).webhookId);
    }
    const eleventh = await create();
    expect(eleventh.status).toBe(400);
    expect(await json(eleventh)).toEqual({
      data: null,
      messages: [
        { message: expect.stringContaining('10'), type: 'Error', errorCode: 'WEBHOOK_LIMIT_REACHED' },
      ],
    });
    for (const id of ids) await sim.api(`/webhooks/v1/webhooks/${id}`, { method: 'DELETE' });
  });

  it('validates registrations', async () => {
    for (const bad of [
      { url: 'not a url' },
      { secret: '' },
      { secret: 'x'.repeat(129) },
      { eventTypes: [] },
      { type: 'Stream' },
      { type: 'Batch', batchSize: 5 },
    ]) {
      const res = await create(bad);
      expect(res.status).toBe(400);
      expect((await json<{ messages: { errorCode: string }[] }>(res)).messages[0].errorCode).toBe(
        'VALIDATION_ERROR',
      );
    }
  });

  it('lists the event notification types with examples', async () => {
    const body = await json<{
      eventTypes: { eventType: string; title: string; example: { EventType: string } }[];
    }>(await sim.api('/webhooks/v1/webhooks/event-notification-types'));
    expect(body.eventTypes).toHaveLength(31);
    expect(body.eventTypes.map((t) => t.eventType)).toContain('entitydata:draftcreated_enriched');
    const taskCompleted = body.eventTypes.find((t) => t.eventType === 'journey:taskcompleted');
    expect(taskCompleted?.example.EventType).toBe('journey:taskcompleted');
  });

  it('delivers only the subscribed types, matched case-insensitively', async () => {
    receiver.received.length = 0;
    const { webhookId } = await json<{ webhookId: string }>(
      await create({ eventTypes: ['Journey:TaskStarted'] }),
    );
    await sim.sim('POST', '/generator/step', { count: 60 });
    const truth = await sim.sim<{ events: { eventType: string }[] }>('GET', '/events?limit=10000');
    const expected = truth.events.filter((e) => e.eventType === 'journey:taskstarted').length;
    expect(expected).toBeGreaterThan(0);
    await waitFor(() => receiver.received.length >= expected, { what: 'task-started deliveries' });
    expect(receiver.received.every((r) => r.body.EventType === 'journey:taskstarted' && r.signatureOk)).toBe(
      true,
    );
    await sim.api(`/webhooks/v1/webhooks/${webhookId}`, { method: 'DELETE' });
  });
});
