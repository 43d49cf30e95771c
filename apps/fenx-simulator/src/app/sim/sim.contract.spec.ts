import { waitFor } from '@fenx/testing';
import { bootSimulator, SimHarness } from '../../test/sim-harness';
import { WebhookReceiver } from '../../test/webhook-receiver';

interface Truth {
  events: { emitted: number; duplicated: number };
  entities: { id: string; version: number }[];
  journeys: { id: string; status: string; version: number }[];
  webhooks: { delivered: number; queued: number; deliveryLog?: { notificationId: string }[] }[];
}

describe('simulation control and ground truth', () => {
  let sim: SimHarness;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = new WebhookReceiver('s');
    const url = await receiver.start();
    sim = await bootSimulator({
      SIM_WEBHOOK_URL: url,
      SIM_WEBHOOK_SECRET: 's',
      SIM_DELIVERY_WINDOW: '16',
      SIM_ENTITIES: '50',
      SIM_BURST_HIGH_WATER: '2000',
    });
  });
  afterAll(async () => {
    await sim.close();
    await receiver.stop();
  });

  it('ground truth lists every record and every delivery', async () => {
    await sim.sim('POST', '/generator/step', { count: 200 });
    const events = await sim.sim<{ events: { id: string }[] }>('GET', '/events?limit=10000');
    await waitFor(() => receiver.acknowledged().length === events.events.length, { what: 'deliveries' });
    const truth = await sim.sim<Truth>('GET', '/ground-truth');
    expect(truth.entities).toHaveLength(50);
    expect(truth.journeys.length).toBeGreaterThan(0);
    expect(truth.webhooks[0].delivered).toBe(events.events.length);
    expect(new Set((truth.webhooks[0].deliveryLog ?? []).map((l) => l.notificationId))).toEqual(
      new Set(events.events.map((e) => e.id)),
    );
    const lean = await sim.sim<Truth>('GET', '/ground-truth?deliveryLog=false');
    expect(lean.webhooks[0].deliveryLog).toBeUndefined();
  });

  it('burst mode emits and delivers thousands of notifications', async () => {
    const before = (await sim.sim<Truth>('GET', '/ground-truth?deliveryLog=false')).webhooks[0].delivered;
    const count = 10_000;
    const started = await sim.sim<{ running: boolean; requested: number }>('POST', '/burst', {
      count,
      kind: 'migration',
    });
    expect(started).toMatchObject({ running: true, requested: count });
    try {
      const done = await waitFor(
        async () => {
          const { burst } = await sim.sim<{
            burst: { running: boolean; emitted: number; stoppedBecause: string };
          }>('GET', '/burst');
          return !burst.running && burst;
        },
        { timeoutMs: 75_000, what: 'burst end' },
      );
      expect(done).toMatchObject({ emitted: count, stoppedBecause: 'done' });
      await waitFor(
        async () =>
          (await sim.sim<Truth>('GET', '/ground-truth?deliveryLog=false')).webhooks[0].delivered ===
          before + count,
        { timeoutMs: 75_000, what: 'burst deliveries' },
      );
      const truth = await sim.sim<Truth>('GET', '/ground-truth?deliveryLog=false');
      expect(truth.entities.every((e) => e.version >= 200)).toBe(true);
    } finally {
      // A burst still running would go on emitting into the next tests.
      await sim.sim('DELETE', '/burst');
    }
    // Its two waits may take over a minute each while the whole test run loads the machine.
  }, 180_000);

  it('manual clock control: advance and scale', async () => {
    const c1 = await sim.sim<{ mode: string; now: string }>('GET', '/clock');
    expect(c1.mode).toBe('manual');
    const c2 = await sim.sim<{ now: string }>('POST', '/clock/advance', { ms: 90_000 });
    expect(Date.parse(c2.now) - Date.parse(c1.now)).toBe(90_000);
    expect(await sim.sim('PUT', '/clock', { scale: 10 })).toMatchObject({ scale: 10 });
  });

  it('reset with the same seed reproduces the same ids; another seed does not', async () => {
    const ids = async (seed: string) => {
      await sim.sim('POST', '/reset', { seed });
      await sim.sim('POST', '/generator/step', { count: 50 });
      return (await sim.sim<{ events: { id: string; eventType: string }[] }>('GET', '/events?limit=1000'))
        .events;
    };
    const a = await ids('same');
    const b = await ids('same');
    const c = await ids('other');
    expect(b).toEqual(a);
    expect(c.map((e) => e.id)).not.toEqual(a.map((e) => e.id));
  });

  it('start and stop the generator', async () => {
    expect(await sim.sim('POST', '/generator/start')).toMatchObject({ running: true });
    expect(await sim.sim('POST', '/generator/stop')).toMatchObject({ running: false });
  });
});
