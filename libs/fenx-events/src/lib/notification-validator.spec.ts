import { isISO8601, isUUID, matches } from 'class-validator';
import fc from 'fast-check';
import { compileNotificationValidator, PROBLEM_CODES } from './notification-validator';

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

const webhook = compileNotificationValidator({ registry: true, documentedForms: true, tenantId: TENANT });
const messages = (json: unknown) => webhook.check(json).problems.map((p) => p.message);

describe('compileNotificationValidator', () => {
  it('finds nothing wrong with a notification as FenX documents it, in either shape', () => {
    expect(webhook.check(good)).toEqual({
      notification: {
        id: good.Id,
        tenantId: TENANT,
        eventType: 'journey:taskcompleted',
        relativeUrl: good.RelativeUrl,
        payload: {},
        when: good.When,
        correlationId: null,
        causationId: null,
      },
      problems: [],
    });
    expect(
      messages({
        id: good.Id,
        tenantid: TENANT,
        eventtype: good.EventType,
        relativeUrl: good.RelativeUrl,
        when: good.When,
      }),
    ).toEqual([]);
  });

  it('lists fields of the wrong form and another tenant with their codes, never refusing', () => {
    expect(
      webhook.check({ ...good, Id: 'not-a-guid', EventType: 'journey', TenantId: 'acme' }).problems,
    ).toEqual([
      { code: 'unknown_event_type', message: 'unknown event type: journey' },
      { code: 'invalid_field', message: 'Id is not a GUID' },
      { code: 'invalid_field', message: 'TenantId is not a GUID' },
      { code: 'invalid_field', message: 'EventType is not of the form domain:action' },
      { code: 'wrong_tenant', message: "tenant mismatch: acme is not this pipeline's tenant" },
    ]);
  });

  it('compares the tenant ignoring case and checks it only when one is configured', () => {
    expect(messages({ ...good, TenantId: TENANT.toUpperCase() })).toEqual([]);
    const anyTenant = compileNotificationValidator({ registry: true, documentedForms: true });
    expect(anyTenant.check({ ...good, TenantId: '00000000-0000-0000-0000-000000000000' }).problems).toEqual(
      [],
    );
    expect(anyTenant.rules).toEqual({ registry: true, documentedForms: true });
  });

  it.each([
    'entitydata:draftcreated_enriched',
    'Journey:TaskCompleted',
    'screening:match-found',
    'document:v2.uploaded',
  ])("accepts FenX's documented event type form %s", (EventType) => {
    expect(
      webhook.check({ ...good, EventType }).problems.filter((p) => p.code !== 'unknown_event_type'),
    ).toEqual([]);
  });

  it.each(['journey', 'journey:', ':created', 'journey task:completed', 'entity data:created!'])(
    'flags the event type %p',
    (EventType) => {
      expect(webhook.check({ ...good, EventType }).problems).toEqual([
        { code: 'unknown_event_type', message: `unknown event type: ${EventType}` },
        { code: 'invalid_field', message: 'EventType is not of the form domain:action' },
      ]);
    },
  );

  it('flags an unknown RelativeUrl pattern', () => {
    expect(webhook.check({ ...good, RelativeUrl: 'newapi/api/thing/123' }).problems).toEqual([
      { code: 'unknown_relative_url', message: 'unknown RelativeUrl pattern: newapi/api/thing/123' },
    ]);
  });

  it('lists the shape problems first, in field order, and checks forms on what could be read', () => {
    expect(
      messages({
        Id: 17,
        EventType: ['x'],
        RelativeUrl: '/entitydataquery/api/entity/1',
        When: '2026-02-30T00:00:00Z',
        Payload: 'text',
        CausationId: {},
      }),
    ).toEqual([
      'id is not a string (got number)',
      'tenantId is missing',
      'eventType is not a string (got array)',
      'causationId is not a string (got object)',
      'relativeUrl is not relative: /entitydataquery/api/entity/1',
      'payload is not a JSON object (got string)',
      'Id is not a GUID',
      'When is not an ISO-8601 timestamp',
    ]);
    expect(messages([good])).toEqual([
      'notification is not a JSON object (got array)',
      'id is missing',
      'tenantId is missing',
      'eventType is missing',
      'relativeUrl is missing',
      'when is missing',
    ]);
  });

  it('reads numbers and booleans as text, blank text as missing, and a later key over an earlier one', () => {
    expect(
      webhook.check({ ...good, Id: 7, CorrelationId: true, when: '  ', When: '' }).notification,
    ).toMatchObject({
      id: '7',
      correlationId: 'true',
      when: '',
    });
    expect(messages({ ...good, When: undefined })).toEqual(['when is missing']);
    expect(messages({ ...good, Payload: undefined })).toEqual([
      'payload is not a JSON object (got undefined)',
    ]);
    expect(messages({ ...good, When: ' ' })).toEqual(['when is not a string (got string)']);
  });

  it('checks a body: UTF-8, not empty, JSON, then the notification', () => {
    const body = (b: string | Buffer) => webhook.checkBody(Buffer.isBuffer(b) ? b : Buffer.from(b));
    expect(body(JSON.stringify(good))).toMatchObject({ text: JSON.stringify(good), problems: [] });
    expect(body(Buffer.from([0x7b, 0xff]))).toMatchObject({
      text: null,
      notification: { id: '', payload: {}, correlationId: null },
      problems: [{ code: 'not_utf8', message: 'body is not valid UTF-8' }],
    });
    expect(body(' \n').problems).toEqual([{ code: 'not_json', message: 'body is empty' }]);
    // A leading byte-order mark stays in the text (byte for byte) and does not stop the parse.
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(good))]);
    const checked = body(withBom);
    expect(checked.problems).toEqual([]);
    expect(checked.notification.id).toBe(good.Id);
    expect(Buffer.from(checked.text as string, 'utf8').equals(withBom)).toBe(true);
    expect(body('{"Id":').problems).toEqual([
      { code: 'not_json', message: expect.stringMatching(/^body is not JSON: /) },
    ]);
    expect(body('42').problems[0]).toEqual({
      code: 'not_json',
      message: 'notification is not a JSON object (got number)',
    });
  });

  it('gives every problem one of the metric codes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        for (const p of webhook.check(json).problems) expect(PROBLEM_CODES).toContain(p.code);
      }),
    );
  });

  // The documented forms were checked with class-validator's decorators before; they decide alike.
  const nearIso = fc
    .tuple(
      fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }),
      fc.nat(40),
      fc.string({ maxLength: 2 }),
    )
    .map(([d, cut, extra]) => {
      const s = d.toISOString();
      return cut % 3 === 0
        ? s.slice(0, cut % s.length) + extra + s.slice(cut % s.length)
        : s.replace(/-\d\d-/, `-${String(cut).padStart(2, '0')}-`);
    });
  it.each([
    [
      'When',
      'When is not an ISO-8601 timestamp',
      (s: string) => isISO8601(s, { strict: true }),
      fc.oneof(
        nearIso,
        fc.string(),
        fc.constantFrom(
          '2024-366',
          '2023-366',
          '2000-366',
          '1900-366',
          '2023-W05-3',
          '2024-02-29',
          '2023-02-29',
          '2026-11',
          '2026-11-23 05:00',
        ),
      ),
    ],
    [
      'Id',
      'Id is not a GUID',
      (s: string) => isUUID(s, 'all'),
      fc.oneof(
        fc.uuid(),
        fc.string(),
        fc.uuid().map((u) => u.replace(/-/g, '0')),
      ),
    ],
    [
      'EventType',
      'EventType is not of the form domain:action',
      (s: string) => matches(s, /^[a-z][a-z0-9]*:[a-z0-9][a-z0-9_.-]*$/i),
      fc.oneof(fc.constantFrom('journey:a', 'a:b_c.d-e', '1:x', 'a:', 'a :b'), fc.string()),
    ],
  ] as const)('decides the form of %s as class-validator did', (field, message, before, values) => {
    fc.assert(
      fc.property(values, (v) => {
        fc.pre(v.trim() !== '');
        expect(messages({ ...good, [field]: v }).includes(message)).toBe(!before(v));
      }),
      { numRuns: 2000 },
    );
  });
});
