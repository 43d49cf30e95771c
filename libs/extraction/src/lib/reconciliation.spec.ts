import type { ReportKind, ReportResult, ReportRow } from '@fenx/fenx-client';
import { syntheticWebhookEvent } from '@fenx/kafka-contracts';
import {
  catchUpNotification,
  eventTypeOfRow,
  readReport,
  reconciliationEvents,
  ReportWindowTooLargeError,
} from './reconciliation';

const window = { start: new Date('2024-01-01T00:00:00Z'), end: new Date('2024-01-01T01:00:00Z') };

describe('reconciliationEvents', () => {
  const rows: ReportRow[] = [
    { legalEntityId: 'e1', updatedTime: '2024-01-01T00:10:00Z', eventType: 'DraftUpdated' },
    { legalEntityId: 'e2', updatedTime: '2024-01-01T00:15:00Z', eventType: 'AssociationCreated' },
    { legalEntityId: 'e1', updatedTime: '2024-01-01T00:20:00Z', eventType: 'DraftVerified' },
    { legalEntityName: 'no id' },
  ];

  it('makes one event per entity named, from its latest row, and counts rows without an id', () => {
    const made = reconciliationEvents('entity-updated', rows, window, 't1');
    expect(made.rowsWithoutId).toBe(1);
    expect(made.rows).toBe(4);
    expect(made.notifications.map((n) => [n.payload, n.when, n.eventType, n.relativeUrl])).toEqual([
      [
        { entityId: 'e1', reportEventType: 'DraftVerified' },
        '2024-01-01T00:20:00Z',
        'entitydata:draftverified',
        'entitydataquery/api/entity/e1',
      ],
      [
        { entityId: 'e2', reportEventType: 'AssociationCreated' },
        '2024-01-01T00:15:00Z',
        'entitydata:dataPublished',
        'entitydataquery/api/entity/e2',
      ],
    ]);
    for (const n of made.notifications)
      expect(syntheticWebhookEvent(n, 'reconciliation').event).toMatchObject({
        valid: true,
        origin: 'reconciliation',
        domain: 'entitydata',
      });
  });

  it('names a journey row by journeyId and keeps its entity', () => {
    const made = reconciliationEvents(
      'journey-updated',
      [
        {
          journeyId: 'j1',
          legalEntityId: 'e1',
          updatedTime: '2024-01-01T00:05:00Z',
          eventType: 'TaskCompleted',
        },
      ],
      window,
      't1',
    );
    expect(made.notifications[0]).toMatchObject({
      eventType: 'journey:taskcompleted',
      relativeUrl: 'journeyquery/api/journey-instance/j1',
      payload: { journeyId: 'j1', legalEntityId: 'e1' },
    });
    expect(syntheticWebhookEvent(made.notifications[0], 'safety-net').event).toMatchObject({
      valid: true,
      ids: { journeyId: 'j1' },
    });
  });

  it('gives one deterministic notification id per (report, row, window)', () => {
    const id = (kind: ReportKind, row: ReportRow, w = window) =>
      reconciliationEvents(kind, [row], w, 't1').notifications[0].id;
    const row = rows[0];
    expect(id('entity-updated', row)).toBe(id('entity-updated', { ...row }));
    expect(id('entity-updated', row)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(id('entity-created', { legalEntityId: 'e1', createdDate: row['updatedTime'] })).not.toBe(
      id('entity-updated', row),
    );
    expect(id('entity-updated', { ...row, updatedTime: '2024-01-01T00:11:00Z' })).not.toBe(
      id('entity-updated', row),
    );
    expect(id('entity-updated', row, { ...window, end: new Date('2024-01-01T02:00:00Z') })).not.toBe(
      id('entity-updated', row),
    );
  });

  it('maps report event types onto FenX event types of the domain, else the default', () => {
    expect(eventTypeOfRow('journey', 'TaskCompleted')).toBe('journey:taskcompleted');
    expect(eventTypeOfRow('entity', 'DraftVerified')).toBe('entitydata:draftverified');
    expect(eventTypeOfRow('journey', 'DraftVerified')).toBe('journey:taskcompleted');
    expect(eventTypeOfRow('entity', undefined)).toBe('entitydata:dataPublished');
  });

  it('is the one builder of catch-up events: backfill events share the id scheme', () => {
    const a = catchUpNotification({
      domain: 'entity',
      id: 'e1',
      tenantId: 't1',
      idParts: ['backfill', 'run-1'],
      when: '2024-01-01T00:00:00Z',
      correlationId: 'backfill:run-1',
    });
    expect(a).toMatchObject({ eventType: 'entitydata:dataPublished', payload: { entityId: 'e1' } });
    expect(catchUpNotification({ ...fields(a), idParts: ['backfill', 'run-1'] }).id).toBe(a.id);
    expect(catchUpNotification({ ...fields(a), idParts: ['backfill', 'run-2'] }).id).not.toBe(a.id);
  });
});

function fields(n: { tenantId: string; when: string }) {
  return { domain: 'entity' as const, id: 'e1', tenantId: n.tenantId, when: n.when, correlationId: 'x' };
}

/**
 * FenX's report as pure logic: rows at given times, at most `cap` answered per window. (The
 * simulator's reports are tested over HTTP in the entity extractor's and fenx-admin's integration tests.)
 */
function reportOf(times: number[], cap: number) {
  const calls: { start: string; end: string }[] = [];
  const client = {
    async report(_kind: ReportKind, start: Date | string, end: Date | string): Promise<ReportResult> {
      const s = new Date(start).getTime();
      const e = new Date(end).getTime();
      calls.push({ start: new Date(s).toISOString(), end: new Date(e).toISOString() });
      const rows = times
        .filter((t) => t >= s && t <= e)
        .map((t, i) => ({ legalEntityId: `e-${t}-${i}`, updatedTime: new Date(t).toISOString() }));
      return { rows: rows.slice(0, cap), count: rows.length, datasetSizeAccepted: rows.length <= cap };
    },
  };
  return { client, calls };
}

describe('readReport', () => {
  const t0 = window.start.getTime();
  const times = Array.from({ length: 40 }, (_, i) => t0 + i * 60_000);

  it('reads a window that fits in one call', async () => {
    const { client, calls } = reportOf(times, 100);
    const read = await readReport(client, 'entity-updated', window);
    expect(read.rows).toHaveLength(40);
    expect(calls).toHaveLength(1);
  });

  it('splits a window in halves until each part fits, and loses no row at the boundaries', async () => {
    const { client } = reportOf(times, 15);
    const splits: number[] = [];
    const read = await readReport(client, 'entity-updated', window, { onSplit: (s) => splits.push(s.depth) });
    expect(read.rows.map((r) => r['updatedTime']).sort()).toEqual(
      times.map((t) => new Date(t).toISOString()),
    );
    expect(read.parts.length).toBeGreaterThan(1);
    expect(splits[0]).toBe(0);
    for (let i = 1; i < read.parts.length; i++)
      expect(read.parts[i].start.getTime()).toBe(read.parts[i - 1].end.getTime() + 1);
  });

  it('fails loudly once the split depth is used up', async () => {
    const { client } = reportOf(
      Array.from({ length: 30 }, () => t0 + 1000),
      10,
    );
    const error = await readReport(client, 'entity-updated', window, { maxSplitDepth: 3 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ReportWindowTooLargeError);
    expect(error).toMatchObject({ kind: 'entity-updated', count: 30, depth: 3 });
    expect((error as Error).message).toContain('still held 30 rows');
  });
});
