import { FENX_CONTRACT } from '@fenx/fenx-client';
import { bootSimulator, SimHarness } from '../test/sim-harness';
import { WebhookReceiver } from '../test/webhook-receiver';
import { SimStore } from './state/sim-store';

/**
 * Every answer the FenX contract documents, asked of the simulator once: the harness checks each
 * body against its schema, and this test that none of the contract was left unserved.
 */
describe('the simulator serves the whole FenX contract', () => {
  let sim: SimHarness;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    sim = await bootSimulator({
      SIM_ENTITIES: '6',
      SIM_JOURNEYS: '6',
      SIM_SIGNING_SCHEME: 'sha256-hex-lower',
    });
    receiver = new WebhookReceiver('contract-secret', 'sha256-hex-lower');
    await sim.sim('POST', '/generator/step', { count: 400 });
  });
  afterAll(async () => {
    await sim.close();
    await receiver.stop();
  });

  it('answers every documented status of every documented route in its documented shape', async () => {
    const store = sim.get(SimStore);
    const journey = [...store.journeys.values()][0];
    const draft =
      [...store.drafts.values()].find((d) => d.status === 'InProgress') ?? [...store.drafts.values()][0];
    const association = [...store.associations.values()].find((a) => a.status !== 'Removed');
    expect(association).toBeDefined();
    const window = { data: { startDate: '1970-01-01T00:00:00Z', endDate: '2100-01-01T00:00:00Z' } };

    const first = await sim.api(`/journeyquery/api/journey-instance/${journey.id}`);
    const etag = first.headers.get('etag') as string;
    await sim.api(`/journeyquery/api/journey-instance/${journey.id}`, { headers: { 'if-none-match': etag } });
    await sim.api('/journeyquery/api/journey-instance/search', {
      method: 'POST',
      json: { data: { entityId: journey.entityId, options: { pageSize: 50 } } },
    });
    await sim.api(`/entitydataquery/api/v2/entity/${draft.sourceEntityId}`);
    await sim.api(`/entitydataquery/api/v2/entity/${draft.sourceEntityId}/draft/${draft.id}`);
    await sim.api(`/entitydataquery/api/v2/entity/${draft.sourceEntityId}/drafts-ids`);
    await sim.api(`/entitydataquery/api/v2/entity/proposedchanges/draft/${draft.id}`);
    await sim.api(`/associationquery/api/association/${association?.id}`);
    await sim.api(`/associationquery/api/association/root/${association?.entityId}`);

    // A conflicts check of an open draft: 202 while the verified record has not moved, 409 once it has.
    const open = [...store.drafts.values()].find(
      (d) => d.status === 'InProgress' && Object.keys(d.draftProperties).length > 0,
    );
    expect(open).toBeDefined();
    if (open) {
      const entity = store.entities.get(open.sourceEntityId);
      if (entity) {
        open.sourceEntityVersion = entity.version;
        store.draftBases.set(open.id, { ...entity.properties });
        const path = `/entitydatacommand/api/v2/entity/${open.sourceEntityId}/draft/${open.id}/conflicts`;
        await sim.api(path, { method: 'PUT', json: { data: { pushChanges: false } } });
        const key = Object.keys(open.draftProperties)[0];
        entity.properties = { ...entity.properties, [key]: { type: 'Single', value: 'verified-elsewhere' } };
        entity.version += 1;
        await sim.api(path, { method: 'PUT', json: { data: { pushChanges: false } } });
      }
    }

    for (const entry of FENX_CONTRACT.filter((e) => e.route.startsWith('/reportingquery/')))
      await sim.api(entry.route, { method: 'POST', json: window });

    const next = await sim.api('/eventnotifications/v2/all/next');
    const { batchId } = (await next.json()) as { batchId: string };
    await sim.api(`/eventnotifications/v2/all/${batchId}/complete`, { method: 'POST' });
    await sim.api('/eventnotifications/v2/all/discardAll', { method: 'PUT' });
    await sim.api('/eventnotifications/v2/all/next');

    const created = await sim.api('/webhooks/v1/webhooks', {
      method: 'POST',
      json: {
        name: 'wh',
        url: await receiver.start(),
        secret: 'contract-secret',
        enabled: true,
        eventTypes: ['*'],
      },
    });
    const { webhookId } = (await created.json()) as { webhookId: string };
    await sim.api('/webhooks/v1/webhooks');
    await sim.api(`/webhooks/v1/webhooks/${webhookId}/test`);
    await sim.api(`/webhooks/v1/webhooks/${webhookId}`);
    await sim.api(`/webhooks/v1/webhooks/${webhookId}`, { method: 'PUT', json: { enabled: false } });
    await sim.api('/webhooks/v1/webhooks/event-notification-types');
    await sim.api(`/webhooks/v1/webhooks/${webhookId}`, { method: 'DELETE' });

    const key = (e: { method: string; route: string; status: number }) =>
      `${e.method} ${e.route} ${e.status}`;
    const served = new Set(sim.served.map(key));
    expect(FENX_CONTRACT.map(key).filter((k) => !served.has(k))).toEqual([]);
  });
});
