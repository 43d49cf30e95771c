import { FenxClient } from '@fenx/fenx-client';
import type { EntityDetail } from '@fenx/kafka-contracts';
import { GroundTruth, SimulatorProcess, startSimulator } from '@fenx/testing';
import { simClient, stepUntilConflict } from '../../test/sim-control';
import { EntityFetcher } from './entity-fetcher';
import type { EntityWork } from './entity-work';

function work(entityId: string, over: Partial<EntityWork> = {}): EntityWork {
  return {
    entityId,
    tenantId: 't',
    entity: false,
    scanOpenDrafts: false,
    allDrafts: false,
    draftIds: [],
    associationIds: [],
    allAssociations: false,
    eventTime: '2024-01-01T00:00:00Z',
    sourceEvents: [],
    ...over,
  };
}

const ofKind = (details: EntityDetail[], kind: EntityDetail['kind']) =>
  details.filter((d) => d.kind === kind);

describe('EntityFetcher against the FenX simulator', () => {
  let simulator: SimulatorProcess;
  let client: FenxClient;
  let fetcher: EntityFetcher;
  let truth: GroundTruth;

  beforeAll(async () => {
    simulator = await startSimulator({ SIM_AUTOSTART: 'false', SIM_CLOCK: 'manual', SIM_ENTITIES: '8' });
    client = simClient(simulator.url);
    fetcher = new EntityFetcher(client);
    await simulator.control.step(300);
    truth = await simulator.control.groundTruth();
  });

  afterAll(async () => {
    await client?.close();
    await simulator?.stop();
  });

  it('refreshes an entity with every draft of its journeys (backfill / reconciliation work)', async () => {
    const entity = [...truth.entities].sort((a, b) => b.drafts.length - a.drafts.length)[0];
    expect(entity.drafts.length).toBeGreaterThan(1);
    const details = await fetcher.fetch(work(entity.id, { entity: true, allDrafts: true }));
    const [verified] = ofKind(details, 'entity');
    expect(verified).toMatchObject({ state: 'present', version: entity.version, entityId: entity.id });
    expect(
      ofKind(details, 'draft')
        .map((d) => [d.draftId, d.version, (d.data as { status: string }).status])
        .sort(),
    ).toEqual(entity.drafts.map((d) => [d.id, d.version, d.status]).sort());
    for (const d of details) expect(d.entityId).toBe(entity.id);
  });

  it('fetches the draft named by a draft event, and the verified version when the draft is open', async () => {
    const entity = truth.entities.find((e) => e.drafts.some((d) => d.status === 'InProgress'));
    const draft = entity?.drafts.find((d) => d.status === 'InProgress');
    if (!entity || !draft) throw new Error('no open draft in the simulator');
    const details = await fetcher.fetch(work(entity.id, { draftIds: [draft.id] }));
    expect(ofKind(details, 'draft')).toEqual([
      expect.objectContaining({ draftId: draft.id, version: draft.version }),
    ]);
    expect(ofKind(details, 'entity')).toEqual([expect.objectContaining({ version: entity.version })]);
  });

  it('fetches associations from the Association Query API; a 404 is a deleted record (delete on miss)', async () => {
    const a = truth.associations.find((x) => x.status !== 'Removed') ?? truth.associations[0];
    const details = await fetcher.fetch(work(a.entityId, { associationIds: [a.id, 'no-such-association'] }));
    expect(details.map((d) => [d.kind, d.associationId, d.state, d.version])).toEqual([
      ['association', a.id, 'present', a.version],
      ['association', 'no-such-association', 'deleted', null],
    ]);
    const gone = await fetcher.fetch(work('no-such-entity', { entity: true, draftIds: ['no-such-draft'] }));
    expect(gone.map((d) => [d.kind, d.state, d.data])).toEqual([
      ['entity', 'deleted', null],
      ['draft', 'deleted', null],
    ]);
  });

  it('reads every association of the entity an association event names (root/{entityId})', async () => {
    const a = truth.associations.find((x) => x.status !== 'Removed') ?? truth.associations[0];
    const live = truth.associations.filter((x) => x.entityId === a.entityId && x.status !== 'Removed');
    const details = await fetcher.fetch(work(a.entityId, { allAssociations: true }));
    expect(details.map((d) => [d.kind, d.associationId, d.state, d.version]).sort()).toEqual(
      live.map((x) => ['association', x.id, 'present', x.version]).sort(),
    );
  });

  it('records the clashing fields of a draft the verified record moved past, then clears them', async () => {
    const found = await stepUntilConflict(simulator.url, client);
    const details = await fetcher.fetch(work(found.entityId, { entity: true, scanOpenDrafts: true }));
    const conflict = ofKind(details, 'conflict').find((d) => d.draftId === found.draftId);
    expect(conflict?.conflict).toEqual({
      draftId: found.draftId,
      journeyId: expect.any(String),
      draftSourceVersion: expect.any(Number),
      verifiedVersion: found.entityVersion,
      behind: true,
      fields: Object.entries(found.dataConflicts)
        .map(([field, c]) => ({ field, verifiedValue: c.existingValue, draftValue: c.newValue }))
        .sort((x, y) => x.field.localeCompare(y.field)),
    });
    expect(conflict?.conflict?.draftSourceVersion).toBeLessThan(found.entityVersion);

    // The analyst resolves (pushChanges:true); the draft's next event clears the conflict.
    await client.checkConflicts(found.entityId, found.draftId, {
      pushChanges: true,
      entityVersion: found.entityVersion,
    });
    const after = await fetcher.fetch(work(found.entityId, { draftIds: [found.draftId] }));
    expect(ofKind(after, 'conflict')).toEqual([
      expect.objectContaining({
        draftId: found.draftId,
        conflict: expect.objectContaining({
          behind: false,
          fields: [],
          draftSourceVersion: found.entityVersion,
        }),
      }),
    ]);
  });
});
