import type { EntityDetail, JourneyDetail } from '@fenx/kafka-contracts';
import { checkEndState, PipelineState } from './end-state';
import type { Delivery, GroundTruth } from '@fenx/testing';

const truth: GroundTruth = {
  tenantId: 't',
  now: '2026-11-23T00:00:00Z',
  events: { emitted: 3, duplicated: 1, logged: 3, logDropped: 0 },
  entities: [
    {
      id: 'e1',
      version: 2,
      lifecycleStatus: 'Active',
      deleted: false,
      drafts: [{ id: 'd1', journeyId: 'j1', status: 'InProgress', version: 4, sourceEntityVersion: 1 }],
    },
    { id: 'e2', version: 0, lifecycleStatus: 'Active', deleted: true, drafts: [] },
  ],
  journeys: [
    {
      id: 'j1',
      entityId: 'e1',
      status: 'In Progress',
      version: 3,
      etag: '"abc"',
      tasksDone: 1,
      tasksTotal: 4,
    },
  ],
  associations: [],
  webhooks: [],
};

const delivery = (notificationId: string, outcome: Delivery['outcome'] = 'delivered'): Delivery => ({
  notificationId,
  eventType: 'journey:taskcompleted',
  outcome,
  attempts: 1,
  httpStatusCode: 200,
  when: '2026-11-23T00:00:00Z',
});

const base = { tenantId: 't', fetchedAt: 'x', eventTime: 'x', sourceEvents: [] };
const journey = (etag: string): JourneyDetail => ({
  schema: 'fenx.journey-detail.v1',
  journeyId: 'j1',
  state: 'present',
  etag,
  journey: {},
  ...base,
});
const entity = (
  kind: EntityDetail['kind'],
  version: number,
  extra: Partial<EntityDetail> = {},
): EntityDetail => ({
  schema: 'fenx.entity-detail.v1',
  kind,
  entityId: 'e1',
  state: 'present',
  version,
  data: {},
  ...base,
  ...extra,
});

function complete(): PipelineState {
  return {
    topic1NotificationIds: ['n1', 'n2', 'n2'],
    journeys: new Map([['j1', journey('"abc"')]]),
    entities: new Map([
      ['e1', entity('entity', 2)],
      ['e1/draft/d1', entity('draft', 4, { draftId: 'd1' })],
      ['e2', entity('entity', 0, { entityId: 'e2', state: 'deleted', version: null, data: null })],
    ]),
    deadLetters: [
      { topic: 'dlq', reason: 'x' },
      { topic: 'dlq', reason: 'x' },
    ],
  };
}

describe('checkEndState', () => {
  it('finds a complete pipeline complete and counts duplicates and dead letters', () => {
    const report = checkEndState(
      truth,
      [delivery('n1'), delivery('n2'), delivery('n3', 'deadLettered')],
      complete(),
    );
    expect(report).toMatchObject({
      delivered: 2,
      topic1Records: 3,
      lost: [],
      duplicates: 1,
      journeys: { expected: 1, upToDate: 1 },
      entities: { expected: 2, upToDate: 2 },
      drafts: { expected: 1, upToDate: 1 },
      deadLetters: [{ topic: 'dlq', reason: 'x', count: 2 }],
      complete: true,
    });
  });

  it('names each lost event and each stale or missing record', () => {
    const state = complete();
    state.journeys.set('j1', journey('"old"'));
    state.entities.set('e1', entity('entity', 1));
    state.entities.delete('e1/draft/d1');
    const report = checkEndState(truth, [delivery('n1'), delivery('n9')], state);
    expect(report.complete).toBe(false);
    expect(report.lost).toEqual(['n9']);
    expect(report.journeys.shortfalls).toEqual([
      { id: 'j1', expected: 'present etag "abc"', found: 'present etag "old"' },
    ]);
    expect(report.entities.shortfalls).toEqual([
      { id: 'e1', expected: 'version 2', found: 'present version 1' },
    ]);
    expect(report.drafts.shortfalls).toEqual([
      { id: 'e1/draft/d1', expected: 'version 4 (InProgress)', found: 'no record' },
    ]);
  });

  it('takes the version from the record data when the record has none', () => {
    const state = complete();
    state.entities.set('e1', entity('entity', 0, { version: null, data: { version: 2 } }));
    expect(checkEndState(truth, [], state).entities.shortfalls).toEqual([]);
  });

  it('checks the lake views too when they were read: a stale journey or a missing entity keeps it incomplete', () => {
    const state = complete();
    state.lake = {
      journeys: new Map([['j1', { state: 'present', version: 3 }]]),
      entities: new Map([['e1', { state: 'present', version: 2 }]]),
    };
    const ok = checkEndState(truth, [delivery('n1'), delivery('n2')], state);
    expect(ok.lake).toMatchObject({ journeys: { upToDate: 1 }, entities: { upToDate: 2 } });
    expect(ok.complete).toBe(true);

    state.lake.journeys.set('j1', { state: 'present', version: 2 });
    state.lake.entities.delete('e1');
    const stale = checkEndState(truth, [delivery('n1'), delivery('n2')], state);
    expect(stale.complete).toBe(false);
    expect(stale.lake?.journeys.shortfalls).toEqual([
      { id: 'j1', expected: 'present version 3', found: 'present version 2' },
    ]);
    expect(stale.lake?.entities.shortfalls).toEqual([{ id: 'e1', expected: 'version 2', found: 'no row' }]);
  });
});
