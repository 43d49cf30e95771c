import { bootSimulator, SimHarness } from '../../test/sim-harness';
import { SimClock } from '../core/clock';

interface Row {
  legalEntityId?: string | null;
  journeyId?: string;
  updatedTime?: string;
  eventType?: string;
  currentJourneyStatus?: string;
}

interface Report {
  count: number;
  datasetSizeAccepted: boolean;
  items: Row[];
}

describe('reporting contract', () => {
  let sim: SimHarness;
  let t0: string;
  let t1: string;

  beforeAll(async () => {
    sim = await bootSimulator({ SIM_ENTITIES: '5', SIM_JOURNEYS: '3' });
    const clock = sim.get(SimClock);
    await sim.sim('POST', '/generator/step', { count: 5 });
    clock.advance(3_600_000);
    t0 = clock.nowIso();
    for (let i = 0; i < 60; i++) {
      await sim.sim('POST', '/generator/step', { count: 1 });
      clock.advance(1_000);
    }
    t1 = clock.nowIso();
    clock.advance(3_600_000);
    await sim.sim('POST', '/generator/step', { count: 20 });
  });
  afterAll(() => sim.close());

  const report = (path: string, startDate: string, endDate: string) =>
    sim.api(`/reportingquery/api/${path}`, { method: 'POST', json: { data: { startDate, endDate } } });

  async function rows(path: string, from = t0, to = t1): Promise<Row[]> {
    const res = await report(path, from, to);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Report; messages: unknown[] };
    expect(body.messages).toEqual([]);
    expect(body.data).toMatchObject({ count: body.data.items.length, datasetSizeAccepted: true });
    return body.data.items;
  }

  it('lists entities and journeys updated in the period, and only them', async () => {
    const events = (
      await sim.sim<{
        events: {
          eventType: string;
          when: string;
          relativeUrl: string;
          payload: { entityId?: string; journeyId?: string };
        }[];
      }>('GET', '/events?limit=10000')
    ).events.filter((e) => e.when >= t0 && e.when <= t1);
    const entityIds = new Set(
      events.filter((e) => !e.eventType.startsWith('journey:')).map((e) => e.payload.entityId),
    );
    const journeyIds = new Set(
      events.filter((e) => e.eventType.startsWith('journey:')).map((e) => e.payload.journeyId),
    );
    const entities = await rows('entity-report/entity-updated-report');
    expect(new Set(entities.map((r) => r.legalEntityId))).toEqual(entityIds);
    expect(entities).toHaveLength(events.filter((e) => !e.eventType.startsWith('journey:')).length);
    const journeys = await rows('journey-report/journey-updated-report');
    expect(new Set(journeys.map((r) => r.journeyId))).toEqual(journeyIds);
    for (const r of [...entities, ...journeys]) {
      const at = r.updatedTime ?? '';
      expect(at >= t0 && at <= t1).toBe(true);
      expect(r.eventType).toMatch(/^[A-Z][A-Za-z]+$/);
    }
    for (const r of journeys) expect(r.legalEntityId).toEqual(expect.any(String));
  });

  it('has created, started and completed variants', async () => {
    const all = ['1970-01-01T00:00:00Z', '2100-01-01T00:00:00Z'] as const;
    expect(await rows('entity-report/entity-created-report', ...all)).toHaveLength(5);
    const started = await rows('journey-report/journey-started-report', ...all);
    expect(started.length).toBeGreaterThan(0);
    const completed = await rows('journey-report/journey-completed-report', ...all);
    for (const r of completed) {
      expect(r).not.toHaveProperty('currentJourneyStatus');
      expect(r).toMatchObject({ journeyId: expect.any(String), completedTime: expect.any(String) });
    }
  });

  it('answers an empty list for a quiet period, 400 for bad dates, 404 for an unknown report', async () => {
    expect(
      await rows('entity-report/entity-updated-report', '2000-01-01T00:00:00Z', '2000-01-02T00:00:00Z'),
    ).toEqual([]);
    expect((await report('entity-report/entity-updated-report', 'yesterday', t1)).status).toBe(400);
    expect((await report('entity-report/entity-updated-report', t1, t0)).status).toBe(400);
    expect((await report('entity-report/nothing', t0, t1)).status).toBe(404);
  });
});

describe('reporting contract: the row cap', () => {
  let sim: SimHarness;

  beforeAll(async () => {
    sim = await bootSimulator({ SIM_ENTITIES: '5', SIM_JOURNEYS: '3', SIM_REPORT_MAX_ROWS: '10' });
    await sim.sim('POST', '/generator/step', { count: 30 });
  });
  afterAll(() => sim.close());

  it('answers at most the cap, with datasetSizeAccepted false and the full count, when a window holds more', async () => {
    const res = await sim.api('/reportingquery/api/entity-report/entity-updated-report', {
      method: 'POST',
      json: { data: { startDate: '1970-01-01T00:00:00Z', endDate: '2100-01-01T00:00:00Z' } },
    });
    const { data } = (await res.json()) as { data: Report };
    expect(data.datasetSizeAccepted).toBe(false);
    expect(data.count).toBeGreaterThan(10);
    expect(data.items).toHaveLength(10);
  });
});
