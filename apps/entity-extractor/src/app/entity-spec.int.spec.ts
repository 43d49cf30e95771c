import { AggregateGroup } from '@fenx/extraction';
import { FenxClient, fenxClientSettings } from '@fenx/fenx-client';
import { relativeUrls } from '@fenx/fenx-events';
import { ConsumedRecord, StopConsumerError } from '@fenx/kafka';
import { decodeEntityDetail, EventOrigin, syntheticWebhookEvent } from '@fenx/kafka-contracts';
import { GroundTruth, SIMULATOR_DEFAULTS, SimulatorProcess, startSimulator } from '@fenx/testing';
import { simClient } from '../test/sim-control';
import { EntitySpec } from './entity-spec';

const context = { batchId: 'b1', depth: 0, correlationId: 'b1' };
let seq = 0;

function group(
  entityId: string,
  eventType: string,
  relativeUrl: string,
  origin: EventOrigin = 'webhook',
  payload: Record<string, unknown> = {},
): AggregateGroup {
  const notification = {
    id: `n${++seq}`,
    tenantId: 't',
    eventType,
    relativeUrl,
    payload,
    when: new Date().toISOString(),
    correlationId: null,
    causationId: null,
  };
  // Built as a pipeline event, then marked with the origin under test (webhook included).
  const built = syntheticWebhookEvent(notification, 'polling');
  const event = { ...built.event, origin };
  const record: ConsumedRecord = {
    topic: 'fenx.webhook.events.v1',
    partition: 0,
    offset: String(seq),
    key: entityId,
    value: Buffer.from(JSON.stringify(event)),
    headers: {},
    timestamp: String(Date.now()),
  };
  return { key: entityId, events: [{ event, record, attempt: 0 }] };
}

describe('EntitySpec against the FenX simulator', () => {
  let simulator: SimulatorProcess;
  let client: FenxClient;
  let truth: GroundTruth;

  beforeAll(async () => {
    simulator = await startSimulator({ SIM_AUTOSTART: 'false', SIM_CLOCK: 'manual', SIM_ENTITIES: '5' });
    client = simClient(simulator.url);
    await simulator.control.step(80);
    truth = await simulator.control.groundTruth();
  });

  afterAll(async () => {
    await client?.close();
    await simulator?.stop();
  });

  it('selects entity-data and association events, keyed by entity id', () => {
    const spec = new EntitySpec(client, { notFoundGraceMs: 0 });
    const e = group('e1', 'entitydata:created', relativeUrls.entity('e1')).events[0].event;
    expect(spec.select(e)).toBe(true);
    expect(spec.keyOf(e)).toBe('e1');
    expect(spec.select({ ...e, domain: 'journey' })).toBe(false);
  });

  it('makes entity-detail records with the kind label of each', async () => {
    const spec = new EntitySpec(client, { notFoundGraceMs: 0 });
    const entity = truth.entities[0];
    const result = await spec.fetch(
      group(entity.id, 'entitydata:migrated', relativeUrls.entity(entity.id)),
      context,
    );
    const records = result.records ?? [];
    expect(records[0]).toMatchObject({ kind: 'entity', record: { key: entity.id, partitionKey: entity.id } });
    for (const r of records) expect(decodeEntityDetail(r.record.value as string)).toMatchObject({ ok: true });
  });

  it('looks up open drafts on a new verified version unless told not to', async () => {
    const entity = truth.entities.find((e) => e.drafts.some((d) => d.status === 'InProgress'));
    if (!entity) throw new Error('no open draft in the simulator');
    const kinds = async (scanOpenDrafts: boolean) =>
      (
        await new EntitySpec(client, { notFoundGraceMs: 0, scanOpenDrafts }).fetch(
          group(entity.id, 'entitydata:draftverified', relativeUrls.entity(entity.id)),
          context,
        )
      ).records?.map((r) => r.kind);
    expect(await kinds(true)).toContain('draft');
    expect(await kinds(false)).toEqual(['entity']);
  });

  it('re-queues a 404 of a young webhook event within the grace period, deletes on miss otherwise', async () => {
    const spec = new EntitySpec(client, { notFoundGraceMs: 60_000 });
    expect(
      await spec.fetch(group('gone', 'entitydata:created', relativeUrls.entity('gone')), context),
    ).toEqual({
      retryLater: { reason: expect.stringContaining('not_found') },
    });
    const late = await spec.fetch(
      group('gone', 'entitydata:created', relativeUrls.entity('gone'), 'backfill'),
      context,
    );
    expect(late.records?.map((r) => r.kind)).toEqual(['deleted']);
  });

  it('gives an association 404 the same grace: re-queued while the event is young, then a deleted association', async () => {
    const spec = new EntitySpec(client, { notFoundGraceMs: 60_000 });
    const entityId = truth.entities[0].id;
    const event = (origin: EventOrigin) =>
      group(
        entityId,
        'association:associationcreated',
        relativeUrls.association('no-such-association'),
        origin,
        {
          entityId,
        },
      );
    expect(await spec.fetch(event('webhook'), context)).toEqual({
      retryLater: { reason: expect.stringContaining('not_found') },
    });
    const late = await spec.fetch(event('polling'), context);
    expect(late.records?.map((r) => r.kind)).toEqual(['deleted']);
    expect(decodeEntityDetail(late.records?.[0].record.value as string)).toMatchObject({
      ok: true,
      value: { kind: 'association', associationId: 'no-such-association', state: 'deleted' },
    });
  });

  it("reads the entity of an association event whose payload names none from the association's sourceId", async () => {
    const spec = new EntitySpec(client, { notFoundGraceMs: 60_000 });
    const a = truth.associations.find((x) => x.status !== 'Removed');
    if (!a) throw new Error('no association in the simulator');
    const g = group('', 'association:associationupdated', relativeUrls.association(a.id));
    const event = g.events[0].event;
    expect(event.ids.entityId).toBeUndefined();
    expect(spec.keyOf(event)).toBe(`association:${a.id}`);
    const result = await spec.fetch({ ...g, key: `association:${a.id}` }, context);
    expect(result.records?.map((r) => [r.kind, r.record.key, r.record.partitionKey])).toEqual([
      ['association', `${a.entityId}/association/${a.id}`, a.entityId],
    ]);

    const gone = (origin: EventOrigin) => ({
      ...group('', 'association:associationremoved', relativeUrls.association('no-such-association'), origin),
      key: 'association:no-such-association',
    });
    expect(await spec.fetch(gone('webhook'), context)).toEqual({
      retryLater: { reason: expect.stringContaining('not_found') },
    });
    await expect(spec.fetch(gone('polling'), context)).rejects.toThrow(
      'association no-such-association is gone and its event names no entity',
    );
  });

  it('stops the consumer when FenX refuses the credentials', async () => {
    const refused = new FenxClient(
      fenxClientSettings({
        baseUrl: simulator.url,
        clientId: SIMULATOR_DEFAULTS.clientId,
        clientSecret: 'not-the-secret',
        tenantId: SIMULATOR_DEFAULTS.tenantId,
        rateLimitPerSecond: 1000,
        maxConcurrency: 20,
        maxRetries: 0,
      }),
    );
    try {
      const spec = new EntitySpec(refused, { notFoundGraceMs: 0 });
      await expect(
        spec.fetch(
          group(truth.entities[0].id, 'entitydata:created', relativeUrls.entity(truth.entities[0].id)),
          context,
        ),
      ).rejects.toBeInstanceOf(StopConsumerError);
    } finally {
      await refused.close();
    }
  });
});
