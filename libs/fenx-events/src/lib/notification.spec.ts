import fc from 'fast-check';
import { FenxNotification, parseNotification, toPolledNotification, toWebhookBody } from './notification';
import { partitionKeyOf } from './partition-key';

const WEBHOOK_EXAMPLE = {
  Id: '09916cea-78b8-524c-a6ad-bd7397bcd4e6',
  TenantId: '45bf62ac-e4b1-4c16-ae32-d774cd18db6d',
  EventType: 'entitydata:created',
  RelativeUrl: 'entitydataquery/api/entity/9b22ae41-3f0a-4c68-a332-8669705ee3ec',
  Payload: {},
  When: '2023-11-12T17:18:55+00:00',
  CorrelationId: 'Test-CorrelationId',
  CausationId: 'c780df56-5aa8-4d64-b9fd-3560d75817c8',
};

const NORMALIZED: FenxNotification = {
  id: WEBHOOK_EXAMPLE.Id,
  tenantId: WEBHOOK_EXAMPLE.TenantId,
  eventType: 'entitydata:created',
  relativeUrl: WEBHOOK_EXAMPLE.RelativeUrl,
  payload: {},
  when: WEBHOOK_EXAMPLE.When,
  correlationId: 'Test-CorrelationId',
  causationId: WEBHOOK_EXAMPLE.CausationId,
};

describe('parseNotification', () => {
  it('normalizes the PascalCase webhook body of FenX documentation', () => {
    expect(parseNotification(WEBHOOK_EXAMPLE)).toEqual({
      notification: NORMALIZED,
      problems: [],
    });
  });

  it('normalizes the camelCase polling shape', () => {
    expect(parseNotification(toPolledNotification(NORMALIZED))).toEqual({
      notification: NORMALIZED,
      problems: [],
    });
  });

  it('accepts 7 fractional digits and a Z offset', () => {
    const r = parseNotification({
      ...WEBHOOK_EXAMPLE,
      When: '2024-01-02T03:04:05.1234567Z',
    });
    expect(r.problems).toEqual([]);
  });

  it('treats missing correlation and causation ids and payload as normal', () => {
    const { Payload, CorrelationId, CausationId, ...rest } = WEBHOOK_EXAMPLE;
    void Payload;
    void CorrelationId;
    void CausationId;
    const r = parseNotification(rest);
    expect(r.problems).toEqual([]);
    expect(r.notification).toMatchObject({
      payload: {},
      correlationId: null,
      causationId: null,
    });
  });

  it('lists every problem and keeps what it could read', () => {
    const r = parseNotification({
      Id: 17,
      EventType: ['x'],
      RelativeUrl: '/entitydataquery/api/entity/1',
      When: 'yesterday',
      Payload: 'text',
    });
    expect(r.notification).toMatchObject({
      id: '17',
      eventType: '',
      relativeUrl: '/entitydataquery/api/entity/1',
      payload: 'text',
    });
    expect(r.problems).toEqual([
      'id is not a string (got number)',
      'tenantId is missing',
      'eventType is not a string (got array)',
      'when is not an ISO-8601 timestamp: yesterday',
      'relativeUrl is not relative: /entitydataquery/api/entity/1',
      'payload is not a JSON object (got string)',
    ]);
  });

  it.each([null, 'text', 3, [], true])('never throws on %p', (input) => {
    const r = parseNotification(input);
    expect(r.problems[0]).toMatch(/not a JSON object/);
    expect(r.notification.id).toBe('');
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        const r = parseNotification(json);
        return Array.isArray(r.problems) && typeof r.notification.id === 'string';
      }),
    );
  });
});

const uuid = fc.uuid();
const notification: fc.Arbitrary<FenxNotification> = fc.record({
  id: uuid,
  tenantId: uuid,
  eventType: fc.constantFrom('journey:taskcompleted', 'entitydata:draftverified', 'document:x'),
  relativeUrl: uuid.map((u) => `journeyquery/api/journey-instance/${u}`),
  payload: fc.dictionary(fc.string(), fc.jsonValue()),
  when: fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()),
  correlationId: fc.option(
    fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''),
    { nil: null },
  ),
  causationId: fc.option(uuid, { nil: null }),
});

describe('toWebhookBody', () => {
  it('produces the PascalCase body of FenX documentation', () => {
    expect(toWebhookBody(NORMALIZED)).toEqual(WEBHOOK_EXAMPLE);
    expect(Object.keys(toWebhookBody(NORMALIZED))).toEqual(Object.keys(WEBHOOK_EXAMPLE));
  });

  it('round-trips through JSON and parseNotification', () => {
    fc.assert(
      fc.property(notification, (n) => {
        const r = parseNotification(JSON.parse(JSON.stringify(toWebhookBody(n))));
        expect(r.problems).toEqual([]);
        expect(r.notification).toEqual(JSON.parse(JSON.stringify(n)));
      }),
    );
  });
});

describe('partitionKeyOf', () => {
  const base = { ...NORMALIZED, id: 'n-1' };

  it('keys journey events by journey id', () => {
    expect(
      partitionKeyOf({
        ...base,
        eventType: 'journey:taskcompleted',
        relativeUrl: 'journeyquery/api/journey-instance/j-1/task/t-1',
      }),
    ).toBe('j-1');
    expect(
      partitionKeyOf({
        ...base,
        eventType: 'Journey:InstanceStarted',
        relativeUrl: 'odd',
        payload: { journeyId: 'j-2' },
      }),
    ).toBe('j-2');
  });

  it('keys entity-data and association events by entity id', () => {
    expect(partitionKeyOf(base)).toBe('9b22ae41-3f0a-4c68-a332-8669705ee3ec');
    expect(
      partitionKeyOf({
        ...base,
        eventType: 'association:associationcreated',
        relativeUrl: 'associationquery/api/association/a-1',
        payload: { entityId: 'e-1' },
      }),
    ).toBe('e-1');
    expect(
      partitionKeyOf({
        ...base,
        eventType: 'entitydata:draftupdated',
        relativeUrl: '',
        payload: { entityId: 'e-2' },
      }),
    ).toBe('e-2');
  });

  it('falls back to the notification id', () => {
    expect(partitionKeyOf({ ...base, eventType: 'document:uploaded' })).toBe('n-1');
    expect(
      partitionKeyOf({
        ...base,
        eventType: 'journey:taskstarted',
        relativeUrl: 'x',
        payload: null,
      }),
    ).toBe('n-1');
    expect(
      partitionKeyOf({
        ...base,
        eventType: 'entitydata:created',
        relativeUrl: 'x',
        payload: { entityId: '' },
      }),
    ).toBe('n-1');
  });
});
