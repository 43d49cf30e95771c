import fc from 'fast-check';
import { compileNotificationValidator } from '@fenx/fenx-events';
import {
  buildWebhookEvent,
  decodeEntityDetail,
  decodeJourneyDetail,
  decodeWebhookEvent,
  EntityDetail,
  entityDetailRecord,
  HEADER,
  headerText,
  JourneyDetail,
  journeyDetailRecord,
  syntheticWebhookEvent,
  webhookEventBody,
} from './index';

const JOURNEY_ID = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
const BODY = {
  Id: '09916cea-78b8-524c-a6ad-bd7397bcd4e6',
  TenantId: '45bf62ac-e4b1-4c16-ae32-d774cd18db6d',
  EventType: 'journey:taskcompleted',
  RelativeUrl: `journeyquery/api/journey-instance/${JOURNEY_ID}`,
  Payload: {},
  When: '2023-11-12T17:18:55+00:00',
  CorrelationId: 'Test-CorrelationId',
  CausationId: null,
};

describe('buildWebhookEvent', () => {
  it('keeps the body verbatim, extracts ids and keys by journey id', () => {
    const raw = Buffer.from(JSON.stringify(BODY, null, 2));
    const { event, record } = buildWebhookEvent({ body: raw, origin: 'webhook', requestId: 'req-1' });
    expect(webhookEventBody(event).equals(raw)).toBe(true);
    expect(event).toMatchObject({
      notificationId: BODY.Id,
      domain: 'journey',
      ids: { journeyId: JOURNEY_ID },
      urlKind: 'journey',
      correlationId: 'Test-CorrelationId',
      valid: true,
      problems: [],
    });
    expect(record.key).toBe(JOURNEY_ID);
    expect(headerText(record.headers, HEADER.notificationId)).toBe(BODY.Id);
    expect(headerText(record.headers, HEADER.valid)).toBe('true');
  });

  it('keeps a leading byte-order mark: the envelope carries the body byte for byte, through encode and decode', () => {
    const raw = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(BODY))]);
    const { event, record } = buildWebhookEvent({ body: raw, origin: 'webhook' });
    expect(event).toMatchObject({ notificationId: BODY.Id, valid: true, bodyEncoding: 'utf8' });
    const back = decodeWebhookEvent(record.value as string);
    expect(back.ok && webhookEventBody(back.value).equals(raw)).toBe(true);
  });

  it('flags, never drops, an unknown type, an unknown url and a body that is not JSON', () => {
    const odd = buildWebhookEvent({
      body: Buffer.from(JSON.stringify({ ...BODY, EventType: 'journey:teleported', RelativeUrl: 'x/y' })),
      origin: 'webhook',
    });
    expect(odd.event.valid).toBe(false);
    expect(odd.event.problems).toEqual([
      'unknown event type: journey:teleported',
      'unknown RelativeUrl pattern: x/y',
    ]);
    const notJson = buildWebhookEvent({ body: Buffer.from('{"Id":'), origin: 'webhook', requestId: 'r' });
    expect(notJson.event.valid).toBe(false);
    expect(notJson.event.problems[0]).toMatch(/^body is not JSON/);
    expect(notJson.record.key).toMatch(/^body-sha256:[0-9a-f]{64}$/);
    expect(notJson.event.correlationId).toBe('r');
  });

  it('stores bytes that are not UTF-8 as base64 and gives them back exactly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const body = Buffer.from(bytes);
        const { event, record } = buildWebhookEvent({ body, origin: 'webhook' });
        const back = decodeWebhookEvent(record.value as string);
        expect(back.ok).toBe(true);
        expect(webhookEventBody(back.ok ? back.value : event).equals(body)).toBe(true);
      }),
    );
  });

  it('takes the caller’s validator: its problems, with their codes, decide valid', () => {
    const validator = compileNotificationValidator({ registry: true, tenantId: 'another-tenant' });
    const { event, problems } = buildWebhookEvent({
      body: Buffer.from(JSON.stringify(BODY)),
      origin: 'webhook',
      validator,
    });
    expect(event.valid).toBe(false);
    expect(problems).toEqual([
      { code: 'wrong_tenant', message: `tenant mismatch: ${BODY.TenantId} is not this pipeline's tenant` },
    ]);
    expect(event.problems).toEqual(problems.map((p) => p.message));
  });

  it('writes synthetic events as FenX bodies marked with their origin', () => {
    const { event, record } = syntheticWebhookEvent(
      {
        id: 'reconciliation:e1:2026-11-23T00',
        tenantId: BODY.TenantId,
        eventType: 'entitydata:dataPublished',
        relativeUrl: 'entitydataquery/api/entity/e1',
        payload: {},
        when: '2026-11-23T00:00:00Z',
        correlationId: null,
        causationId: null,
      },
      'reconciliation',
    );
    expect(event).toMatchObject({ origin: 'reconciliation', ids: { entityId: 'e1' }, valid: true });
    expect(record.key).toBe('e1');
    expect(JSON.parse(event.body)).toHaveProperty('EventType', 'entitydata:dataPublished');
  });
});

describe('decoders', () => {
  it('report why a value is not the expected record', () => {
    expect(decodeWebhookEvent(null)).toEqual({ ok: false, reason: 'record has no value' });
    expect(decodeWebhookEvent('[]')).toEqual({ ok: false, reason: 'value is not a JSON object' });
    expect(decodeWebhookEvent('{"schema":"x"}')).toEqual({
      ok: false,
      reason: 'schema is "x", expected fenx.webhook-event.v1',
    });
    expect(decodeJourneyDetail('nope')).toMatchObject({ ok: false, reason: /not JSON/ });
  });

  it('round-trip journey and entity details with their keys', () => {
    const base = {
      fetchedAt: '2026-11-23T00:00:00.000Z',
      eventTime: '2026-11-22T23:59:00Z',
      sourceEvents: [],
    };
    const j: JourneyDetail = {
      schema: 'fenx.journey-detail.v1',
      journeyId: JOURNEY_ID,
      tenantId: 't',
      state: 'deleted',
      etag: null,
      journey: null,
      ...base,
    };
    const jr = journeyDetailRecord(j);
    expect(jr.key).toBe(JOURNEY_ID);
    expect(decodeJourneyDetail(jr.value as string)).toEqual({ ok: true, value: j });
    const d: EntityDetail = {
      schema: 'fenx.entity-detail.v1',
      kind: 'draft',
      entityId: 'e1',
      draftId: 'd1',
      tenantId: 't',
      state: 'present',
      version: 3,
      data: { status: 'InProgress' },
      ...base,
    };
    const dr = entityDetailRecord(d);
    expect(dr).toMatchObject({ key: 'e1/draft/d1', partitionKey: 'e1' });
    expect(decodeEntityDetail(dr.value as string)).toEqual({ ok: true, value: d });
    expect(decodeEntityDetail(JSON.stringify({ ...d, kind: 'conflict' }))).toEqual({
      ok: false,
      reason: 'conflict record without conflict',
    });
  });
});
