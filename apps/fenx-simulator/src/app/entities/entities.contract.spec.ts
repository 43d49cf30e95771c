import { bootSimulator, SimHarness } from '../../test/sim-harness';
import type { Association, EntityDraft, LegalEntity } from '../state/models';
import { SimStore } from '../state/sim-store';

describe('entity data query and conflicts contract', () => {
  let sim: SimHarness;
  let store: SimStore;
  let draft: EntityDraft;

  beforeAll(async () => {
    sim = await bootSimulator({ SIM_ENTITIES: '4', SIM_JOURNEYS: '4' });
    store = sim.get(SimStore);
    // Step until some journey's draft has changes of its own.
    for (let i = 0; i < 50 && !draft; i++) {
      await sim.sim('POST', '/generator/step', { count: 10 });
      draft = [...store.drafts.values()].find(
        (d) => d.status === 'InProgress' && Object.keys(d.draftProperties).length > 0,
      ) as EntityDraft;
    }
  });
  afterAll(() => sim.close());

  const body = async <T>(res: Response) => (await res.json()) as { data: T; messages: unknown };

  it('serves the verified record on the v2 and the unversioned path', async () => {
    const res = await sim.api(`/entitydataquery/api/v2/entity/${draft.sourceEntityId}`);
    expect(res.status).toBe(200);
    const { data, messages } = await body<LegalEntity>(res);
    expect(messages).toEqual([]);
    expect(data).toMatchObject({
      id: draft.sourceEntityId,
      type: expect.stringMatching(/^(Company|Individual)$/),
      properties: { legalEntityName: { type: 'Single', value: expect.any(String) } },
      jurisdictions: [expect.any(String)],
      lifecycleStatus: expect.any(String),
      created: expect.any(String),
      deleted: false,
      version: expect.any(Number),
      propertiesVersion: expect.any(Number),
    });
    expect(Object.keys(data)).not.toContain('lastModified');
    const v1 = await sim.api(`/entitydataquery/api/entity/${draft.sourceEntityId}`);
    expect((await body<LegalEntity>(v1)).data).toEqual(data);
  });

  it('serves a draft with its source entity version, and its proposed changes', async () => {
    const res = await sim.api(`/entitydataquery/api/v2/entity/${draft.sourceEntityId}/draft/${draft.id}`);
    expect(res.status).toBe(200);
    const { data } = await body<EntityDraft>(res);
    expect(data).toMatchObject({
      id: draft.id,
      sourceEntityId: draft.sourceEntityId,
      sourceEntityVersion: expect.any(Number),
      conflictsResolvedSourceEntityVersion: null,
      journeyId: draft.journeyId,
      status: 'InProgress',
      version: expect.any(Number),
    });
    expect(Object.keys(data.draftProperties).length).toBeGreaterThan(0);
    const changes = await sim.api(`/entitydataquery/api/v2/entity/proposedchanges/draft/${draft.id}`);
    const list = (await body<{ dataKey: string; changeType: string; newValue: unknown }[]>(changes)).data;
    expect(list.map((c) => c.dataKey).sort()).toEqual(Object.keys(data.draftProperties).sort());
    for (const c of list) expect(['Added', 'Modified']).toContain(c.changeType);
  });

  it('answers 404 for unknown entities, drafts, or a draft under another entity', async () => {
    const other = [...store.entities.keys()].find((id) => id !== draft.sourceEntityId) as string;
    for (const path of [
      '/entitydataquery/api/v2/entity/nope',
      `/entitydataquery/api/v2/entity/${draft.sourceEntityId}/draft/nope`,
      `/entitydataquery/api/v2/entity/${other}/draft/${draft.id}`,
      '/entitydataquery/api/v2/entity/proposedchanges/draft/nope',
    ]) {
      const res = await sim.api(path);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { messages: { errorCode: string }[] }).messages[0].errorCode).toBe(
        'NOT_FOUND',
      );
    }
  });

  it("lists an entity's drafts with drafts-ids", async () => {
    const res = await sim.api(`/entitydataquery/api/v2/entity/${draft.sourceEntityId}/drafts-ids`);
    expect(res.status).toBe(200);
    const ids = (await body<{ items: string[] }>(res)).data.items;
    expect(ids.sort()).toEqual(
      store
        .draftsOf(draft.sourceEntityId)
        .map((d) => d.id)
        .sort(),
    );
    expect((await sim.api('/entitydataquery/api/v2/entity/nope/drafts-ids')).status).toBe(404);
  });

  it('serves associations from the Association Query API; a removed one is gone (404)', async () => {
    await sim.sim('POST', '/generator/step', { count: 400 });
    const a = [...store.associations.values()].find((x) => x.status !== 'Removed') as Association;
    expect(a).toBeDefined();
    const res = await sim.api(`/associationquery/api/association/${a.id}`);
    expect(res.status).toBe(200);
    expect((await body<Record<string, unknown>>(res)).data).toMatchObject({
      id: a.id,
      sourceId: a.entityId,
      targetId: a.relatedEntityId,
      type: a.associationType,
      isVerified: a.status === 'Verified',
    });
    const root = await sim.api(`/associationquery/api/association/root/${a.entityId}`);
    expect((await body<{ id: string }[]>(root)).data.map((x) => x.id)).toContain(a.id);
    a.status = 'Removed';
    const gone = await sim.api(`/associationquery/api/association/${a.id}`);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { messages: { message: string }[] }).messages[0].message).toContain(
      'No association found',
    );
    // Entity Data Query has no association endpoint.
    expect((await sim.api(`/entitydataquery/api/v2/entity/${a.entityId}/association/${a.id}`)).status).toBe(
      404,
    );
  });

  describe('PUT .../draft/{draftId}/conflicts', () => {
    const conflicts = (d: EntityDraft, data: unknown, headers: Record<string, string> = {}) =>
      sim.api(`/entitydatacommand/api/v2/entity/${d.sourceEntityId}/draft/${d.id}/conflicts`, {
        method: 'PUT',
        json: { data },
        headers,
      });

    let d: EntityDraft;
    let key: string;

    beforeAll(async () => {
      await sim.sim('POST', '/generator/stop');
      d = [...store.drafts.values()].find(
        (x) => x.status === 'InProgress' && Object.keys(x.draftProperties).length > 0,
      ) as EntityDraft;
      key = Object.keys(d.draftProperties)[0];
    });

    it('202 when the verified record has not moved', async () => {
      // Arrange: the draft starts from the current verified version (as right after a rebase).
      const entity = store.entities.get(d.sourceEntityId) as LegalEntity;
      d.sourceEntityVersion = entity.version;
      store.draftBases.set(d.id, { ...entity.properties });
      const res = await conflicts(d, { pushChanges: false });
      expect(res.status).toBe(202);
      expect(await res.text()).toBe('');
    });

    it('409 with dataConflicts (existingValue = verified, newValue = draft) once another change was verified', async () => {
      // Another journey verifies a different value for a field this draft changed.
      const entity = store.entities.get(d.sourceEntityId) as LegalEntity;
      entity.properties = { ...entity.properties, [key]: { type: 'Single', value: 'verified-elsewhere' } };
      entity.version += 1;
      const res = await conflicts(d, { pushChanges: false });
      expect(res.status).toBe(409);
      expect(await res.json()).toEqual({
        data: {
          entityVersion: entity.version,
          dataConflicts: {
            [key]: {
              existingValue: { type: 'Single', value: 'verified-elsewhere' },
              newValue: d.draftProperties[key],
            },
          },
        },
        messages: null,
      });
    });

    it('pushChanges with a stale entityVersion is a CONFLICT error', async () => {
      const entity = store.entities.get(d.sourceEntityId) as LegalEntity;
      const res = await conflicts(d, { pushChanges: true, entityVersion: entity.version - 1 });
      expect(res.status).toBe(409);
      expect(await res.json()).toEqual({
        data: null,
        messages: [{ message: expect.stringContaining('stale'), type: 'Error', errorCode: 'CONFLICT' }],
      });
    });

    it('pushChanges with the current entityVersion answers 202, moves the draft up and emits draftupdated', async () => {
      const entity = store.entities.get(d.sourceEntityId) as LegalEntity;
      const verifiedBefore = JSON.stringify(entity);
      const res = await conflicts(
        d,
        {
          pushChanges: true,
          entityVersion: entity.version,
          dataConflictResolutions: { [key]: { type: 'Single', value: 'resolved' } },
        },
        { 'x-correlation-id': 'resolve-42' },
      );
      expect(res.status).toBe(202);
      expect(JSON.stringify(entity)).toBe(verifiedBefore);
      const after = (
        await body<EntityDraft>(
          await sim.api(`/entitydataquery/api/v2/entity/${d.sourceEntityId}/draft/${d.id}`),
        )
      ).data;
      expect(after.sourceEntityVersion).toBe(entity.version);
      expect(after.conflictsResolvedSourceEntityVersion).toBe(entity.version);
      expect(after.draftProperties[key]).toEqual({ type: 'Single', value: 'resolved' });
      expect((await conflicts(d, { pushChanges: false })).status).toBe(202);
      const events = await sim.sim<{
        events: { eventType: string; correlationId: string; relativeUrl: string }[];
      }>('GET', '/events?offset=0&limit=10000');
      expect(events.events.at(-1)).toMatchObject({
        eventType: 'entitydata:draftupdated',
        correlationId: 'resolve-42',
        relativeUrl: `entitydataquery/api/v2/entity/${d.sourceEntityId}/draft/${d.id}`,
      });
    });

    it('validates the body', async () => {
      const res = await conflicts(d, { pushChanges: 'yes' });
      expect(res.status).toBe(400);
      const missing = await conflicts(d, { pushChanges: true });
      expect(missing.status).toBe(400);
    });
  });
});
