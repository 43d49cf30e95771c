import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkFenxBody,
  contractEntriesFor,
  FENX_CONTRACT,
  FENX_SCHEMAS,
  FenxSchemaName,
} from './fenx-contract';

interface Examples {
  valid: Record<string, unknown[]>;
  breaking: { schema: FenxSchemaName; why: string; field: string; body: unknown }[];
}

const examples = JSON.parse(
  readFileSync(join(__dirname, 'fixtures/fenx-api-examples.json'), 'utf8'),
) as Examples;

describe('the FenX contract', () => {
  const names = Object.keys(FENX_SCHEMAS) as FenxSchemaName[];

  it('has documentation examples for every schema, and no examples for unknown schemas', () => {
    expect(Object.keys(examples.valid).sort()).toEqual([...names].sort());
    for (const name of names) expect(examples.valid[name].length).toBeGreaterThan(0);
  });

  it.each(names)('the documentation examples of %s follow it', (name) => {
    for (const body of examples.valid[name]) expect(checkFenxBody(name, body)).toBeUndefined();
  });

  it.each(examples.breaking.map((b) => [b.why, b] as const))('refuses a body where %s', (_why, b) => {
    expect(checkFenxBody(b.schema, b.body)).toMatchObject({ schema: b.schema, field: b.field });
  });

  it('names array positions in the field and keeps them out of the label pattern', () => {
    const body = {
      data: {
        count: 2,
        datasetSizeAccepted: true,
        items: [{ legalEntityId: 'e-1' }, { legalEntityId: 7 }],
      },
    };
    expect(checkFenxBody('report:entity-updated', body)).toEqual({
      schema: 'report:entity-updated',
      field: '/data/items/1/legalEntityId',
      fieldPattern: '/data/items/*/legalEntityId',
      message: 'must be string',
    });
  });

  it('finds the documented answers of a concrete path, literal routes before templates', () => {
    expect(contractEntriesFor('GET', '/webhooks/v1/webhooks/event-notification-types')).toEqual([
      expect.objectContaining({ schema: 'eventNotificationTypes' }),
    ]);
    expect(contractEntriesFor('GET', '/webhooks/v1/webhooks/w-1').map((e) => e.schema)).toEqual(['webhook']);
    expect(contractEntriesFor('PUT', '/webhooks/v1/webhooks/w-1')).toEqual([
      { method: 'PUT', route: '/webhooks/v1/webhooks/{id}', status: 200, empty: true },
    ]);
    expect(contractEntriesFor('GET', '/associationquery/api/association/a-1').map((e) => e.schema)).toEqual([
      'association',
    ]);
    expect(contractEntriesFor('GET', '/entitydataquery/api/v2/entity/e-1/association/a-1')).toEqual([]);
  });

  it('gives every schema but the error shape an endpoint', () => {
    const used = new Set(FENX_CONTRACT.map((e) => e.schema).filter(Boolean));
    expect(names.filter((n) => !used.has(n))).toEqual(['error']);
  });
});
