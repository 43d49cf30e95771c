import { parseConflicts } from '@fenx/fenx-client';
import { decodeEntityDetail, entityDetailRecord } from '@fenx/kafka-contracts';
import {
  conflictDecision,
  conflictOf,
  DetailFactory,
  draftBaseVersion,
  fieldConflicts,
  isOpenDraft,
  isOpenJourney,
} from './entity-details';
import type { EntityWork } from './entity-work';

const work: EntityWork = {
  entityId: 'e1',
  tenantId: 't1',
  entity: true,
  scanOpenDrafts: false,
  allDrafts: false,
  draftIds: [],
  associationIds: [],
  allAssociations: false,
  eventTime: '2024-01-01T00:00:00Z',
  sourceEvents: [
    {
      notificationId: 'n1',
      eventType: 'entitydata:created',
      origin: 'webhook',
      when: '2024-01-01T00:00:00Z',
      partition: 3,
      offset: '7',
    },
  ],
};

const draft = (over: Record<string, unknown> = {}) => ({
  id: 'd1',
  journeyId: 'j1',
  status: 'InProgress',
  sourceEntityVersion: 2,
  conflictsResolvedSourceEntityVersion: null,
  version: 4,
  ...over,
});

describe('draft and journey states', () => {
  it('reads draft statuses ignoring case and spaces; unknown statuses count as open', () => {
    expect(isOpenDraft({ status: 'InProgress' })).toBe(true);
    expect(isOpenDraft({ status: 'Something New' })).toBe(true);
    expect(isOpenDraft({ status: 'Verified' })).toBe(false);
    expect(isOpenDraft({ status: 'rejected' })).toBe(false);
    expect(isOpenJourney({ status: 'In Progress' })).toBe(true);
    expect(isOpenJourney({ status: 'Paused' })).toBe(true);
    expect(isOpenJourney({ status: 'Done' })).toBe(false);
    expect(isOpenJourney({ status: 'Cancelled' })).toBe(false);
  });

  it('takes the later of the source and the conflicts-resolved version as the base', () => {
    expect(draftBaseVersion(draft())).toBe(2);
    expect(draftBaseVersion(draft({ conflictsResolvedSourceEntityVersion: 5 }))).toBe(5);
    expect(draftBaseVersion(draft({ sourceEntityVersion: undefined }))).toBeNull();
  });
});

describe('conflictDecision', () => {
  it('checks an open draft the verified record moved past', () => {
    expect(conflictDecision(draft(), 3)).toEqual({ action: 'check' });
  });
  it('checks when a version is unknown', () => {
    expect(conflictDecision(draft({ sourceEntityVersion: undefined }), 3)).toEqual({ action: 'check' });
    expect(conflictDecision(draft(), null)).toEqual({ action: 'check' });
  });
  it('says nothing of an open draft on the current version that never resolved conflicts', () => {
    expect(conflictDecision(draft(), 2)).toEqual({ action: 'none' });
  });
  it('clears after the draft was moved onto the current version, and for closed drafts', () => {
    expect(
      conflictDecision(draft({ sourceEntityVersion: 3, conflictsResolvedSourceEntityVersion: 3 }), 3),
    ).toEqual({
      action: 'clear',
    });
    expect(conflictDecision(draft({ status: 'Verified' }), 9)).toEqual({ action: 'clear' });
  });
});

describe('conflict records', () => {
  const seedShape = parseConflicts({
    data: {
      entityVersion: 14,
      dataConflicts: {
        middleName: {
          existingValue: { type: 'Single', value: 'A' },
          newValue: { type: 'Single', value: 'B' },
        },
        industry: { existingValue: null, newValue: { type: 'Single', value: 'Banking' } },
      },
    },
    messages: null,
  });

  it('lists the clashing fields of the seed-document shape, verified vs draft values', () => {
    const result = { status: 'conflict' as const, ...seedShape };
    expect(fieldConflicts(result)).toEqual([
      { field: 'industry', verifiedValue: null, draftValue: { type: 'Single', value: 'Banking' } },
      {
        field: 'middleName',
        verifiedValue: { type: 'Single', value: 'A' },
        draftValue: { type: 'Single', value: 'B' },
      },
    ]);
    expect(conflictOf(draft(), 'd1', 13, result)).toEqual({
      draftId: 'd1',
      journeyId: 'j1',
      draftSourceVersion: 2,
      verifiedVersion: 14,
      fields: expect.any(Array),
      behind: true,
    });
  });

  it("reads FenX's CONFLICT envelope as behind with no field list", () => {
    const envelope = parseConflicts({
      data: null,
      messages: [{ message: 'Conflicts exist', type: 'Error', errorCode: 'CONFLICT' }],
    });
    const c = conflictOf(draft(), 'd1', 3, { status: 'conflict', ...envelope });
    expect(c).toMatchObject({ behind: true, fields: [], verifiedVersion: 3 });
  });

  it('is not behind when the check found none or was not needed', () => {
    expect(conflictOf(draft(), 'd1', 3, { status: 'accepted' })).toMatchObject({ behind: false, fields: [] });
    expect(conflictOf(draft({ journeyId: undefined }), 'd1', 3, undefined)).toMatchObject({
      behind: false,
      journeyId: null,
    });
  });
});

describe('DetailFactory', () => {
  const f = new DetailFactory(work, '2024-01-02T00:00:00.000Z');

  it('builds records that the contract decoder accepts, keyed per kind, partitioned by entity', () => {
    const records = [
      f.entity({ id: 'e1', version: 3 }),
      f.entity(null),
      f.draft('d1', draft()),
      f.draft('d2', null),
      f.association('a1', { id: 'a1', version: 1 }),
      f.association('a2', null),
      f.conflict(conflictOf(draft(), 'd1', 3, { status: 'accepted' }), null),
    ];
    for (const r of records) {
      const rec = entityDetailRecord(r);
      expect(rec.partitionKey).toBe('e1');
      const decoded = decodeEntityDetail(rec.value as string);
      expect(decoded).toMatchObject({ ok: true });
    }
    expect(records.map((r) => entityDetailRecord(r).key)).toEqual([
      'e1',
      'e1',
      'e1/draft/d1',
      'e1/draft/d2',
      'e1/association/a1',
      'e1/association/a2',
      'e1/conflict/d1',
    ]);
    expect(records.map((r) => [r.state, r.version])).toEqual([
      ['present', 3],
      ['deleted', null],
      ['present', 4],
      ['deleted', null],
      ['present', 1],
      ['deleted', null],
      ['present', null],
    ]);
    expect(records[0]).toMatchObject({
      eventTime: work.eventTime,
      sourceEvents: work.sourceEvents,
      tenantId: 't1',
    });
  });
});
