import { bootSimulator, SimHarness } from '../../test/sim-harness';
import { SimClock } from '../core/clock';

interface Batch {
  batchId: string;
  notifications: Record<string, unknown>[];
  moreAvailable: boolean;
}

describe('event polling contract', () => {
  let sim: SimHarness;

  beforeAll(async () => {
    sim = await bootSimulator({ SIM_POLL_BATCH_SIZE: '25', SIM_POLL_LEASE_SECONDS: '60' });
  });
  afterAll(() => sim.close());

  const next = (feed: string) => sim.api(`/eventnotifications/v2/${feed}/next`);

  it('answers 204 when a feed is empty', async () => {
    const res = await next('all');
    expect(res.status).toBe(204);
  });

  it('hands out camelCase batches, completes them, and splits feeds by domain', async () => {
    await sim.sim('POST', '/generator/step', { count: 40 });
    const res = await next('all');
    expect(res.status).toBe(200);
    const batch = (await res.json()) as Batch;
    expect(batch.batchId).toEqual(expect.any(String));
    expect(batch.notifications).toHaveLength(25);
    expect(batch.moreAvailable).toBe(true);
    expect(Object.keys(batch.notifications[0])).toEqual([
      'id',
      'eventType',
      'when',
      'tenantId',
      'causationId',
      'correlationId',
      'relativeUrl',
      'payload',
    ]);
    const complete = await sim.api(`/eventnotifications/v2/all/${batch.batchId}/complete`, {
      method: 'POST',
    });
    expect(complete.status).toBe(200);
    const again = await sim.api(`/eventnotifications/v2/all/${batch.batchId}/complete`, { method: 'POST' });
    expect(again.status).toBe(404);

    const journey = (await (await next('journey')).json()) as Batch;
    expect(journey.notifications.every((n) => String(n['eventType']).startsWith('journey:'))).toBe(true);
    const entity = (await (await next('entitydata')).json()) as Batch;
    expect(entity.notifications.every((n) => String(n['eventType']).startsWith('entitydata:'))).toBe(true);
  });

  it('hands an uncompleted batch out again after its lease (at-least-once)', async () => {
    await sim.api('/eventnotifications/v2/association/discardAll', { method: 'PUT' });
    await sim.api('/eventnotifications/v2/journey/discardAll', { method: 'PUT' });
    await sim.sim('POST', '/generator/step', { count: 10 });
    const first = (await (await next('journey')).json()) as Batch;
    const ids = first.notifications.map((n) => n['id']);
    expect(ids.length).toBeGreaterThan(0);
    expect((await next('journey')).status).toBe(204);
    sim.get(SimClock).advance(60_000);
    const redelivered = (await (await next('journey')).json()) as Batch;
    expect(redelivered.batchId).not.toBe(first.batchId);
    expect(redelivered.notifications.map((n) => n['id'])).toEqual(ids);
  });

  it('discards a whole feed and rejects unknown feeds', async () => {
    const discard = await sim.api('/eventnotifications/v2/all/discardAll', { method: 'PUT' });
    expect(discard.status).toBe(200);
    expect((await next('all')).status).toBe(204);
    const unknown = await next('nonsense');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { data: null }).data).toBeNull();
  });
});
