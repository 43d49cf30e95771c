import { parseNotification } from '@fenx/fenx-events';
import { flagReasons } from './flags';
import { checkNotification } from './notification-check';

const TENANT = '45bf62ac-e4b1-4c16-ae32-d774cd18db6d';
const good = {
  Id: '6f1c1e2a-1111-4222-8333-944455556666',
  TenantId: TENANT,
  EventType: 'journey:taskcompleted',
  RelativeUrl: 'journeyquery/api/journey-instance/0b8e6c3a-2222-4333-8444-955566667777',
  Payload: {},
  When: '2026-11-23T05:00:00.1234567Z',
  CorrelationId: null,
};

describe('the notification check and its flag reasons', () => {
  it('finds nothing wrong with a notification as FenX documents it', () => {
    expect(checkNotification(parseNotification(good).notification, TENANT)).toEqual([]);
  });

  it('lists fields of the wrong form and another tenant, never refusing', () => {
    const odd = parseNotification({
      ...good,
      Id: 'not-a-guid',
      EventType: 'journey',
      TenantId: 'acme',
    }).notification;
    expect(checkNotification(odd, TENANT)).toEqual([
      'Id is not a GUID',
      'TenantId is not a GUID',
      'EventType is not of the form domain:action',
      "tenant mismatch: acme is not this pipeline's tenant",
    ]);
  });

  it.each([
    'entitydata:draftcreated_enriched',
    'Journey:TaskCompleted',
    'screening:match-found',
    'document:v2.uploaded',
  ])("accepts FenX's documented event type form %s", (EventType) => {
    expect(checkNotification(parseNotification({ ...good, EventType }).notification, TENANT)).toEqual([]);
  });

  it.each(['journey', 'journey:', ':created', 'journey task:completed', 'entity data:created!'])(
    'flags the event type %p',
    (EventType) => {
      expect(checkNotification(parseNotification({ ...good, EventType }).notification, TENANT)).toEqual([
        'EventType is not of the form domain:action',
      ]);
    },
  );

  it('maps each problem to its metric reason', () => {
    expect(
      flagReasons([
        'body is not valid UTF-8',
        'body is not JSON: x',
        'body is empty',
        'unknown event type: a:b',
        'unknown RelativeUrl pattern: x',
        'tenant mismatch: t',
        'Id is not a GUID',
        'when is missing',
      ]),
    ).toEqual([
      'not_utf8',
      'not_json',
      'unknown_event_type',
      'unknown_relative_url',
      'wrong_tenant',
      'invalid_field',
    ]);
  });
});
