import { buildWebhookEvent, EntityDetail, HEADER, TOPICS } from '@fenx/kafka-contracts';
import { waitFor } from '@fenx/testing';
import { compareWithGroundTruth, Harness } from './test/harness';

interface FoundConflict {
  entityId: string;
  draftId: string;
  entityVersion: number;
  dataConflicts: Record<string, { existingValue: unknown; newValue: unknown }>;
}

/** Steps the simulator until an open draft is behind its verified record on clashing fields. */
async function stepUntilConflict(h: Harness, maxSteps = 3000): Promise<FoundConflict> {
  for (let steps = 0; steps < maxSteps; steps += 10) {
    await h.step(10);
    const truth = await h.groundTruth();
    for (const e of truth.entities)
      for (const d of e.drafts)
        if (d.status === 'InProgress' && d.sourceEntityVersion < e.version) {
          const r = await h.client.checkConflicts(e.id, d.id, { pushChanges: false });
          if (r.status === 'conflict' && Object.keys(r.conflicts).length > 0)
            return {
              entityId: e.id,
              draftId: d.id,
              entityVersion: r.entityVersion ?? e.version,
              dataConflicts: r.conflicts as FoundConflict['dataConflicts'],
            };
        }
  }
  throw new Error(`no conflicting draft after ${maxSteps} steps`);
}

describe('entity extractor, live: webhooks → topic 1 → entity details', () => {
  let h: Harness;
  let port: number;

  beforeAll(async () => {
    h = await Harness.start();
    ({ port } = await h.startService());
  });

  afterAll(async () => {
    await h?.stop();
  });

  it("holds every entity's latest verified version and every open draft after the simulator's activity", async () => {
    for (let i = 0; i < 8; i++) await h.step(50);
    await h.deliveriesSettled();
    const truth = await h.groundTruth();
    expect(truth.entities.some((e) => e.drafts.some((d) => d.status === 'InProgress'))).toBe(true);
    let problems: string[] = [];
    await waitFor(
      async () => {
        problems = compareWithGroundTruth(await h.entityDetails(), truth);
        return problems.length === 0;
      },
      { timeoutMs: 90000, intervalMs: 1000, what: 'entity topic equal to the ground truth' },
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${problems.slice(0, 20).join('\n')}`);
    });
    const details = await h.entityDetails();
    const associations = [...details.values()].filter((d) => d.kind === 'association');
    for (const a of truth.associations) {
      const rec = associations.find((d) => d.associationId === a.id);
      // A removed association is gone from FenX's Association Query API (404): a deleted record.
      expect(rec).toMatchObject(
        a.status === 'Removed'
          ? { entityId: a.entityId, state: 'deleted' }
          : { entityId: a.entityId, version: a.version, state: 'present' },
      );
    }
  });

  it('records the clashing fields of concurrent journeys (one verified first), then clears them once resolved', async () => {
    const found = await stepUntilConflict(h);
    await h.deliveriesSettled();
    const key = `${found.entityId}/conflict/${found.draftId}`;
    const expected = Object.entries(found.dataConflicts)
      .map(([field, c]) => ({ field, verifiedValue: c.existingValue, draftValue: c.newValue }))
      .sort((a, b) => a.field.localeCompare(b.field));
    let record: EntityDetail | undefined;
    await waitFor(
      async () => {
        record = (await h.entityDetails()).get(key);
        return record?.conflict?.behind === true && record.conflict.verifiedVersion === found.entityVersion;
      },
      { timeoutMs: 60000, intervalMs: 1000, what: `conflict record ${key}` },
    );
    expect(record?.conflict).toMatchObject({ draftId: found.draftId, behind: true, fields: expected });
    expect(record?.conflict?.draftSourceVersion).toBeLessThan(found.entityVersion);

    // Resolving (pushChanges:true) moves the draft onto the verified version: its event clears the conflict.
    await h.client.checkConflicts(found.entityId, found.draftId, {
      pushChanges: true,
      entityVersion: found.entityVersion,
    });
    await h.deliveriesSettled();
    await waitFor(async () => (await h.entityDetails()).get(key)?.conflict?.behind === false, {
      timeoutMs: 60000,
      intervalMs: 1000,
      what: `conflict ${key} cleared`,
    });
  });

  it('sends an entity event that names no entity to the dead-letter topic with the reason', async () => {
    const body = {
      Id: 'no-entity-0001',
      TenantId: 't',
      EventType: 'entitydata:created',
      RelativeUrl: 'somewhere/else',
      Payload: {},
      When: new Date().toISOString(),
    };
    const { record } = buildWebhookEvent({ body: Buffer.from(JSON.stringify(body)), origin: 'webhook' });
    await h.producer.emit(TOPICS.webhookEvents.name, [record]);
    await waitFor(
      async () =>
        (await h.records(TOPICS.entityExtractorDeadLetter.name)).find(
          (r) => r.headers[HEADER.notificationId] === body.Id,
        )?.headers['dead-letter-reason'],
      { timeoutMs: 60000, intervalMs: 1000, what: 'the dead letter' },
    ).then((reason) => expect(reason).toMatch(/^no_aggregate_key:/));
  });

  it('exports the metric names of docs/metrics.md with the entity_extractor_ prefix', async () => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const name of [
      'events_consumed_total',
      'events_skipped_total',
      'distinct_ids_total',
      'fenx_requests_total',
      'fenx_request_duration_seconds',
      'records_produced_total',
      'dead_letters_total',
      'batch_duration_seconds',
      'batch_splits_total',
      'consumer_lag_records',
      'event_to_detail_seconds',
      'last_success_timestamp_seconds',
      'synthetic_events_total',
    ])
      expect(text).toContain(`# TYPE entity_extractor_${name} `);
    expect(text).toMatch(/entity_extractor_dead_letters_total\{[^}]*reason="no_aggregate_key"[^}]*\} 1/);
    expect(text).toMatch(/entity_extractor_records_produced_total\{[^}]*kind="conflict"[^}]*\} [1-9]/);
    expect(text).toMatch(
      /entity_extractor_fenx_requests_total\{[^}]*operation="conflicts"[^}]*outcome="conflict"[^}]*\} [1-9]/,
    );
  });
});
