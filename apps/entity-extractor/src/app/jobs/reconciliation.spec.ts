import { syntheticWebhookEvent } from '@fenx/kafka';
import { reconciliationEvents } from './reconciliation';

describe('reconciliationEvents', () => {
  const end = new Date('2024-01-01T01:00:00Z');
  const rows = [
    { entityId: 'e1', version: 3, lastEventType: 'entitydata:draftupdated', updated: '2024-01-01T00:10:00Z' },
    { entityId: 'e2', version: null, lastEventType: 'association:associationcreated' },
    {
      entityId: 'e1',
      version: 4,
      lastEventType: 'entitydata:draftverified',
      updated: '2024-01-01T00:20:00Z',
    },
    { noId: true },
  ];

  it('makes one reconciliation event per entity named, the last row winning', () => {
    const events = reconciliationEvents(rows, 't1', end);
    expect(events.map((e) => [e.payload, e.when])).toEqual([
      [{ entityId: 'e1', version: 4, lastEventType: 'entitydata:draftverified' }, '2024-01-01T00:20:00.000Z'],
      [{ entityId: 'e2', lastEventType: 'association:associationcreated' }, end.toISOString()],
    ]);
    for (const n of events)
      expect(syntheticWebhookEvent(n, 'reconciliation').event).toMatchObject({
        valid: true,
        origin: 'reconciliation',
      });
  });

  it('gives a change seen by two overlapping windows the same notification id', () => {
    const a = reconciliationEvents([rows[2]], 't1', end);
    const b = reconciliationEvents([rows[2]], 't1', new Date('2024-01-01T02:00:00Z'));
    expect(a[0].id).toBe(b[0].id);
    expect(reconciliationEvents([rows[0]], 't1', end)[0].id).not.toBe(a[0].id);
  });
});
