import { bootSimulator, SimHarness } from '../../test/sim-harness';
import type { JourneyInstance } from '../state/models';

interface Truth {
  journeys: { id: string; entityId: string; status: string; version: number; etag: string }[];
}

describe('journey query contract', () => {
  let sim: SimHarness;
  let truth: Truth;

  beforeAll(async () => {
    sim = await bootSimulator({ SIM_ENTITIES: '3', SIM_JOURNEYS: '6' });
    await sim.sim('POST', '/generator/step', { count: 120 });
    truth = await sim.sim<Truth>('GET', '/ground-truth');
  });
  afterAll(() => sim.close());

  const detail = (id: string, headers: Record<string, string> = {}) =>
    sim.api(`/journeyquery/api/journey-instance/${id}`, { headers });

  it('serves the journey tree with stages, processes and tasks (the audit trail)', async () => {
    const res = await detail(truth.journeys[0].id);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: JourneyInstance; messages: unknown[] };
    expect(body.messages).toEqual([]);
    const j = body.data;
    expect(j).toMatchObject({
      id: truth.journeys[0].id,
      entityId: truth.journeys[0].entityId,
      entityDraftId: expect.any(String),
      type: expect.any(String),
      identifier: 'J-000001',
      status: expect.stringMatching(/^(Not Started|In Progress|Done|Cancelled|Paused)$/),
      version: truth.journeys[0].version,
      journeyOwner: { teamId: expect.any(String), ownerId: expect.any(String) },
      stats: { completed: expect.any(Number), total: 7, progress: expect.any(Number) },
      serviceLevelAgreement: { status: expect.any(String), dueDate: expect.any(String) },
    });
    expect(j.stages.map((s) => s.name)).toEqual(['Capture', 'Enrich', 'Review', 'Approve']);
    const task = j.stages[0].processes[0].tasks[0];
    expect(Object.keys(task).sort()).toEqual(
      [
        'assignedTo',
        'cancelled',
        'completed',
        'completedBy',
        'completedByHistory',
        'discriminator',
        'id',
        'name',
        'order',
        'paused',
        'reassignedBy',
        'reopenReason',
        'reopened',
        'started',
        'status',
        'taskKey',
        'taskType',
        'teamId',
      ].sort(),
    );
    expect(task.started).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('answers an ETag, 304 with Retry-After for an unchanged journey, 200 once it changed', async () => {
    const active = truth.journeys.find((j) => j.status === 'In Progress') ?? truth.journeys[0];
    const first = await detail(active.id);
    const etag = first.headers.get('etag') as string;
    expect(etag).toBe(active.etag);
    const same = await detail(active.id, { 'if-none-match': etag });
    expect(same.status).toBe(304);
    expect(same.headers.get('retry-after')).toBe('60');
    expect(await same.text()).toBe('');
    expect((await detail(active.id, { 'if-none-match': `W/${etag}, "other"` })).status).toBe(304);
    expect((await detail(active.id, { 'if-none-match': '"stale"' })).status).toBe(200);
    const changedVersion = async () => {
      await sim.sim('POST', '/generator/step', { count: 20 });
      const t = await sim.sim<Truth>('GET', '/ground-truth?deliveryLog=false');
      return t.journeys.find((j) => j.id === active.id)?.version !== active.version;
    };
    while (!(await changedVersion()));
    const after = await detail(active.id, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
  });

  it('serves one task of a journey', async () => {
    const j = ((await (await detail(truth.journeys[0].id)).json()) as { data: JourneyInstance }).data;
    const task = j.stages[1].processes[0].tasks[0];
    const res = await sim.api(`/journeyquery/api/journey-instance/${j.id}/task/${task.id}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown }).data).toEqual(task);
    expect((await sim.api(`/journeyquery/api/journey-instance/${j.id}/task/nope`)).status).toBe(404);
  });

  it('answers 404 in the envelope for an unknown journey', async () => {
    const res = await detail('00000000-0000-0000-0000-000000000000');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      data: null,
      messages: [{ message: expect.stringContaining('not found'), type: 'Error', errorCode: 'NOT_FOUND' }],
    });
  });

  it('searches the journeys of one entity page by page', async () => {
    truth = await sim.sim<Truth>('GET', '/ground-truth?deliveryLog=false');
    const counts = new Map<string, number>();
    for (const j of truth.journeys) counts.set(j.entityId, (counts.get(j.entityId) ?? 0) + 1);
    const [entityId, expected] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    expect(expected).toBeGreaterThan(1);
    const seen: string[] = [];
    let token: string | null = null;
    do {
      const res = await sim.api('/journeyquery/api/journey-instance/search', {
        method: 'POST',
        json: { data: { entityId, options: { pageSize: 1, ...(token ? { paginationToken: token } : {}) } } },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        data: {
          items: { id: string; entityId: string; stages?: unknown }[];
          nextPaginationToken: string | null;
        };
      };
      expect(body.data.items).toHaveLength(1);
      expect(body.data.items[0].entityId).toBe(entityId);
      expect(body.data.items[0].stages).toBeUndefined();
      seen.push(body.data.items[0].id);
      token = body.data.nextPaginationToken;
    } while (token);
    expect(seen.sort()).toEqual(
      truth.journeys
        .filter((j) => j.entityId === entityId)
        .map((j) => j.id)
        .sort(),
    );
  });

  it('validates the search body and the pagination token', async () => {
    const bad = await sim.api('/journeyquery/api/journey-instance/search', {
      method: 'POST',
      json: { data: {} },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      data: null,
      messages: expect.arrayContaining([
        expect.objectContaining({ type: 'Error', errorCode: 'VALIDATION_ERROR' }),
      ]),
    });
    const token = await sim.api('/journeyquery/api/journey-instance/search', {
      method: 'POST',
      json: { data: { entityId: truth.journeys[0].entityId, options: { paginationToken: 'garbage' } } },
    });
    expect(token.status).toBe(400);
  });
});
