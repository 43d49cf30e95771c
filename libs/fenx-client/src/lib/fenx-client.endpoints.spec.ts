import { FenxApiError } from './fenx-api-error';
import { FenxClient } from './fenx-client';
import { FakeFenx, json, ok, RecordedRequest } from './test/fake-fenx';

const JOURNEY = '/journeyquery/api/journey-instance/j-1';
const SEARCH = '/journeyquery/api/journey-instance/search';
const CONFLICTS = '/entitydatacommand/api/v2/entity/e-1/draft/d-1/conflicts';
const WEBHOOKS = '/webhooks/v1/webhooks';

const journey = {
  id: 'j-1',
  entityId: 'e-1',
  type: 'Client Onboarding',
  status: 'In Progress',
  stages: [
    {
      name: 'Capture',
      processes: [
        {
          name: 'KYC',
          tasks: [
            { id: 't-1', status: 'Not Started', started: null },
            { id: 't-2', status: 'Done', completed: '2026-01-02T03:04:05Z' },
          ],
        },
      ],
    },
  ],
  someFieldWeDoNotKnow: { kept: true },
};

describe('FenxClient endpoints', () => {
  let fake: FakeFenx;
  let client: FenxClient;

  beforeEach(async () => {
    fake = await FakeFenx.start();
    client = fake.client();
  });

  afterEach(async () => {
    await client.close();
    await fake.close();
  });

  describe('journeys', () => {
    beforeEach(() => {
      fake.on('GET', JOURNEY, (req, res) => {
        if (req.headers['if-none-match'] === '"v7"')
          return json(res, 304, undefined, {
            etag: '"v7"',
            'retry-after': '30',
          });
        json(res, 200, ok(journey), { etag: '"v7"' });
      });
    });

    it('returns the journey tree with unknown fields and its ETag', async () => {
      const result = await client.getJourney('j-1');
      expect(result).toEqual({ status: 'ok', journey, etag: '"v7"' });
    });

    it('answers not-modified for an unchanged journey (If-None-Match → 304)', async () => {
      const result = await client.getJourney('j-1', { etag: '"v7"' });
      expect(result).toEqual({
        status: 'not-modified',
        etag: '"v7"',
        retryAfterSeconds: 30,
      });
      expect(fake.calls('GET', JOURNEY)[0].headers['if-none-match']).toBe('"v7"');
    });

    it('answers not-found for an unknown id', async () => {
      await expect(client.getJourney('nope')).resolves.toEqual({
        status: 'not-found',
      });
    });

    it('encodes ids into the path', async () => {
      await client.getJourney('a/b c');
      expect(fake.requests[0].path).toBe('/journeyquery/api/journey-instance/a%2Fb%20c');
    });

    it('reads a journey without stages as having none', async () => {
      fake.on('GET', JOURNEY, (_req, res) => json(res, 200, ok({ id: 'j-1' })));
      await expect(client.getJourney('j-1')).resolves.toMatchObject({
        journey: { id: 'j-1', stages: [] },
      });
    });

    it('rejects a 200 that is not a journey, naming the endpoint and the field', async () => {
      fake.on('GET', JOURNEY, (_req, res) => json(res, 200, ok(null)));
      const error = await client.getJourney('j-1').catch((e: unknown) => e);
      expect(error).toMatchObject({ reason: 'invalid-response', field: '/data' });
      expect((error as Error).message).toContain('GET /journeyquery/api/journey-instance/{id}');
      expect((error as Error).message).toContain('/data must be object');
    });

    it('pages through the journeys of an entity', async () => {
      const pages: Record<string, unknown> = {
        first: ok({
          items: [{ id: 'j-1' }, { id: 'j-2' }],
          nextPaginationToken: 'p2',
        }),
        p2: ok({ items: [{ id: 'j-3' }], nextPaginationToken: 'p3' }),
        p3: ok({ items: [{ id: 'j-4' }], nextPaginationToken: null }),
      };
      fake.on('POST', SEARCH, (req, res) => {
        const token = (req.body as { data: { options: { paginationToken?: string } } }).data.options
          .paginationToken;
        json(res, 200, pages[token ?? 'first']);
      });

      const found = await client.searchJourneysByEntity('e-1', { pageSize: 2 });

      expect(found.map((j) => j.id)).toEqual(['j-1', 'j-2', 'j-3', 'j-4']);
      expect(fake.calls('POST', SEARCH).map((r) => r.body)).toEqual([
        { data: { entityId: 'e-1', options: { pageSize: 2 } } },
        {
          data: {
            entityId: 'e-1',
            options: { paginationToken: 'p2', pageSize: 2 },
          },
        },
        {
          data: {
            entityId: 'e-1',
            options: { paginationToken: 'p3', pageSize: 2 },
          },
        },
      ]);
    });

    it('stops when FenX repeats a pagination token instead of looping forever', async () => {
      fake.on('POST', SEARCH, (_req, res) =>
        json(res, 200, ok({ items: [{ id: 'j-1' }], nextPaginationToken: 'same' })),
      );
      await expect(client.searchJourneysByEntity('e-1')).rejects.toMatchObject({
        reason: 'invalid-response',
      });
      expect(fake.calls('POST', SEARCH)).toHaveLength(2);
    });
  });

  describe('entity data', () => {
    it('reads the verified record, a draft and its proposed changes', async () => {
      const entity = {
        id: 'e-1',
        version: 3,
        properties: {
          legalName: { type: 'Single', value: 'ACME' },
          addresses: {
            type: 'Collection',
            dataGroupId: 'g',
            collections: {
              c1: { properties: { city: { type: 'Single', value: 'Dublin' } } },
            },
          },
        },
      };
      const draft = {
        sourceEntityId: 'e-1',
        sourceEntityVersion: 3,
        status: 'InProgress',
      };
      const changes = [
        {
          dataKey: 'legalName',
          existingValue: null,
          newValue: { type: 'Single', value: 'ACME Ltd' },
          changeType: 'Modified',
        },
      ];
      fake
        .on('GET', '/entitydataquery/api/v2/entity/e-1', (_q, r) => json(r, 200, ok(entity)))
        .on('GET', '/entitydataquery/api/v2/entity/e-1/draft/d-1', (_q, r) => json(r, 200, ok(draft)))
        .on('GET', '/entitydataquery/api/v2/entity/proposedchanges/draft/d-1', (_q, r) =>
          json(r, 200, ok(changes)),
        );

      await expect(client.getEntity('e-1')).resolves.toEqual({
        status: 'ok',
        entity,
      });
      await expect(client.getDraft('e-1', 'd-1')).resolves.toEqual({
        status: 'ok',
        draft,
      });
      await expect(client.getProposedChanges('d-1')).resolves.toEqual({
        status: 'ok',
        changes,
      });
    });

    it('answers not-found for unknown entities, drafts and change sets', async () => {
      await expect(client.getEntity('x')).resolves.toEqual({
        status: 'not-found',
      });
      await expect(client.getDraft('x', 'y')).resolves.toEqual({
        status: 'not-found',
      });
      await expect(client.getProposedChanges('y')).resolves.toEqual({
        status: 'not-found',
      });
      await expect(client.getDraftIds('x')).resolves.toEqual({ status: 'not-found' });
    });

    it("lists an entity's drafts with drafts-ids", async () => {
      fake.on('GET', '/entitydataquery/api/v2/entity/e-1/drafts-ids', (_q, r) =>
        json(r, 200, ok({ items: ['d-1', 'd-2', 'd-1'] })),
      );
      await expect(client.getDraftIds('e-1')).resolves.toEqual({ status: 'ok', draftIds: ['d-1', 'd-2'] });
    });

    it('rejects malformed entity answers', async () => {
      fake
        .on('GET', '/entitydataquery/api/v2/entity/e-1', (_q, r) => json(r, 200, ok('text')))
        .on('GET', '/entitydataquery/api/v2/entity/e-1/draft/d-1', (_q, r) => json(r, 200, ok(7)))
        .on('GET', '/entitydataquery/api/v2/entity/proposedchanges/draft/d-1', (_q, r) =>
          json(r, 200, ok({})),
        );
      await expect(client.getEntity('e-1')).rejects.toBeInstanceOf(FenxApiError);
      await expect(client.getDraft('e-1', 'd-1')).rejects.toBeInstanceOf(FenxApiError);
      await expect(client.getProposedChanges('d-1')).rejects.toBeInstanceOf(FenxApiError);
    });
  });

  describe('associations', () => {
    const ASSOCIATION = '/associationquery/api/association/a-1';

    it('reads one association from the Association Query API; a 404 is a gone association', async () => {
      const association = {
        id: 'a-1',
        sourceId: 'e-1',
        targetId: 'e-2',
        type: 'Shareholder',
        isVerified: true,
      };
      fake.on('GET', ASSOCIATION, (_q, r) => json(r, 200, ok(association)));
      await expect(client.getAssociation('a-1')).resolves.toEqual({ status: 'ok', association });
      await expect(client.getAssociation('a-9')).resolves.toEqual({ status: 'not-found' });
    });

    it("lists an entity's associations (root/{entityId})", async () => {
      const association = { id: 'a-1', sourceId: 'e-1', targetId: 'e-2', type: 'Director' };
      fake.on('GET', '/associationquery/api/association/root/e-1', (_q, r) =>
        json(r, 200, ok([association])),
      );
      await expect(client.getAssociationsOfRoot('e-1')).resolves.toEqual({
        status: 'ok',
        associations: [association],
      });
      await expect(client.getAssociationsOfRoot('e-9')).resolves.toEqual({ status: 'not-found' });
    });

    it('rejects an association without an id and tells the listener which field', async () => {
      const invalid: unknown[] = [];
      await client.close();
      client = fake.client({}, { listener: { onInvalidResponse: (e) => invalid.push(e) } });
      fake.on('GET', ASSOCIATION, (_q, r) => json(r, 200, ok({ sourceId: 'e-1' })));
      await expect(client.getAssociation('a-1')).rejects.toMatchObject({
        reason: 'invalid-response',
        field: '/data/id',
      });
      expect(invalid).toEqual([
        {
          method: 'GET',
          route: '/associationquery/api/association/{id}',
          schema: 'association',
          field: '/data/id',
          message: 'is missing',
        },
      ]);
    });
  });

  describe('conflicts', () => {
    const request = { pushChanges: false, useSourceEntityVersion: true };

    it('answers accepted on 202 and sends the body in FenX’s envelope', async () => {
      fake.on('PUT', CONFLICTS, (_q, r) => json(r, 202));
      await expect(client.checkConflicts('e-1', 'd-1', request)).resolves.toEqual({
        status: 'accepted',
      });
      expect(fake.calls('PUT', CONFLICTS)[0].body).toEqual({ data: request });
    });

    it('reads the seed document’s 409 shape', async () => {
      const dataConflicts = {
        middleName: {
          existingValue: { type: 'Single', value: 'Ann' },
          newValue: { type: 'Single', value: 'Anne' },
        },
      };
      fake.on('PUT', CONFLICTS, (_q, r) =>
        json(r, 409, {
          data: { entityVersion: 14, dataConflicts },
          messages: null,
        }),
      );
      await expect(client.checkConflicts('e-1', 'd-1', request)).resolves.toEqual({
        status: 'conflict',
        entityVersion: 14,
        conflicts: dataConflicts,
        messages: [],
      });
    });

    it('reads FenX’s error-envelope 409 (errorCode CONFLICT)', async () => {
      fake.on('PUT', CONFLICTS, (_q, r) =>
        json(r, 409, {
          data: null,
          messages: [
            {
              message: 'Draft conflicts',
              type: 'Error',
              errorCode: 'CONFLICT',
            },
          ],
        }),
      );
      await expect(client.checkConflicts('e-1', 'd-1', request)).resolves.toEqual({
        status: 'conflict',
        entityVersion: undefined,
        conflicts: {},
        messages: [{ message: 'Draft conflicts', type: 'Error', errorCode: 'CONFLICT' }],
      });
    });

    it('treats a 409 elsewhere as an error', async () => {
      fake.on('GET', JOURNEY, (_q, r) => json(r, 409, {}));
      await expect(client.getJourney('j-1')).rejects.toMatchObject({
        status: 409,
        attempts: 1,
      });
    });
  });

  describe('reports', () => {
    const ENTITY_REPORT = '/reportingquery/api/entity-report/entity-updated-report';
    const JOURNEY_REPORT = '/reportingquery/api/journey-report/journey-updated-report';

    it('posts the period in UTC and returns the rows as sent, with count and datasetSizeAccepted', async () => {
      const rows = [
        { legalEntityId: 'e-1', updatedTime: '2026-01-01T10:00:00Z', eventType: 'DraftVerified', Extra: 1 },
        { legalEntityId: 'e-2' },
      ];
      fake.on('POST', ENTITY_REPORT, (_q, r) =>
        json(r, 200, ok({ count: 2, datasetSizeAccepted: true, items: rows })),
      );

      const result = await client.entityUpdatedReport(
        new Date('2026-01-01T10:00:00Z'),
        '2026-01-01T11:00:00+01:00',
      );

      expect(result).toEqual({ rows, count: 2, datasetSizeAccepted: true });
      expect(fake.calls('POST', ENTITY_REPORT)[0].body).toEqual({
        data: {
          startDate: '2026-01-01T10:00:00.000Z',
          endDate: '2026-01-01T10:00:00.000Z',
        },
      });
    });

    it('says when the window held more than FenX answers', async () => {
      fake.on('POST', JOURNEY_REPORT, (_q, r) =>
        json(r, 200, ok({ count: 12000, datasetSizeAccepted: false, items: [{ journeyId: 'j-1' }] })),
      );
      const result = await client.journeyUpdatedReport('2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z');
      expect(result).toEqual({ rows: [{ journeyId: 'j-1' }], count: 12000, datasetSizeAccepted: false });
    });

    it('fails loudly on rows that do not name their record, or a body without items', async () => {
      fake
        .on('POST', ENTITY_REPORT, (_q, r) =>
          json(r, 200, ok({ count: 1, datasetSizeAccepted: true, items: [{ entityId: 'e-1' }] })),
        )
        .on('POST', JOURNEY_REPORT, (_q, r) => json(r, 200, ok([{ journeyId: 'j-1' }])));
      await expect(
        client.entityUpdatedReport('2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'),
      ).rejects.toMatchObject({ reason: 'invalid-response', field: '/data/items/0/legalEntityId' });
      await expect(
        client.journeyUpdatedReport('2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'),
      ).rejects.toMatchObject({ reason: 'invalid-response', field: '/data' });
    });

    it('rejects a period that is not a date', async () => {
      await expect(client.entityUpdatedReport('yesterday', new Date())).rejects.toThrow(RangeError);
    });
  });

  describe('event polling', () => {
    const NEXT = '/eventnotifications/v2/journey/next';

    it('answers empty on 204', async () => {
      fake.on('GET', NEXT, (_q, r) => json(r, 204));
      await expect(client.nextNotifications('journey')).resolves.toEqual({
        status: 'empty',
      });
    });

    it('returns a batch, then completes it; discardAll empties a feed', async () => {
      const notifications = [
        {
          id: 'n-1',
          eventType: 'journey:taskcompleted',
          when: '2026-01-01T00:00:00.1234567+00:00',
          tenantId: 'tenant-1',
          relativeUrl: 'journeyquery/api/journey-instance/j-1',
          payload: {},
        },
      ];
      fake
        .on('GET', NEXT, (_q, r) => json(r, 200, { batchId: 'b-1', notifications, moreAvailable: true }))
        .on('POST', '/eventnotifications/v2/journey/b-1/complete', (_q, r) => json(r, 200))
        .on('PUT', '/eventnotifications/v2/journey/discardAll', (_q, r) => json(r, 200));

      await expect(client.nextNotifications('journey')).resolves.toEqual({
        status: 'batch',
        batchId: 'b-1',
        notifications,
        moreAvailable: true,
      });
      await client.completeBatch('journey', 'b-1');
      await client.discardAll('journey');
      expect(fake.requests.map((r: RecordedRequest) => `${r.method} ${r.path}`)).toEqual([
        `GET ${NEXT}`,
        'POST /eventnotifications/v2/journey/b-1/complete',
        'PUT /eventnotifications/v2/journey/discardAll',
      ]);
    });

    it('rejects a batch without an id, and one wrapped in a data envelope (the API does not wrap)', async () => {
      let n = 0;
      fake.on('GET', NEXT, (_q, r) =>
        n++ === 0
          ? json(r, 200, {
              notifications: [{ id: 'n', eventType: 'journey:taskcompleted' }],
              moreAvailable: false,
            })
          : json(r, 200, ok({ batchId: 'b-2', notifications: [], moreAvailable: false })),
      );
      await expect(client.nextNotifications('journey')).rejects.toMatchObject({
        reason: 'invalid-response',
        field: '/batchId',
      });
      await expect(client.nextNotifications('journey')).rejects.toMatchObject({
        reason: 'invalid-response',
        field: '/batchId',
      });
    });
  });

  describe('webhook admin', () => {
    const hook = {
      id: 'w-1',
      name: 'radar',
      url: 'https://radar.example/hook',
      enabled: true,
      status: 'Enabled',
      eventTypes: ['*'],
      lastDeliveries: [
        {
          when: '2026-01-01T00:00:00Z',
          notificationId: 'n',
          status: 'Successful',
          httpStatusCode: 200,
        },
      ],
    };
    // List items (BasicWebhook) carry no deliveries.
    const listed = Object.fromEntries(Object.entries(hook).filter(([k]) => k !== 'lastDeliveries'));
    const input = {
      name: 'radar',
      url: 'https://radar.example/hook',
      secret: 'hook-secret',
      enabled: true,
      eventTypes: ['*'],
      type: 'Single' as const,
    };

    beforeEach(() => {
      fake
        .on('GET', WEBHOOKS, (_q, r) => json(r, 200, { webHooks: [listed] }))
        .on('POST', WEBHOOKS, (_q, r) => json(r, 200, { webhookId: 'w-2' }))
        .on('GET', `${WEBHOOKS}/w-1`, (_q, r) => json(r, 200, { webhook: hook }))
        .on('PUT', `${WEBHOOKS}/w-1`, (_q, r) => json(r, 200))
        .on('DELETE', `${WEBHOOKS}/w-1`, (_q, r) => json(r, 200))
        .on('GET', `${WEBHOOKS}/w-1/test`, (_q, r) =>
          json(r, 200, {
            delivery: { status: 'Successful', httpStatusCode: 200 },
          }),
        )
        .on('GET', `${WEBHOOKS}/event-notification-types`, (_q, r) =>
          json(r, 200, {
            eventTypes: [
              {
                eventType: 'journey:taskcompleted',
                title: 'Task completed',
                example: {},
              },
            ],
          }),
        );
    });

    it('lists, creates, reads, updates, tests and deletes webhooks', async () => {
      await expect(client.listWebhooks()).resolves.toEqual([listed]);
      await expect(client.createWebhook(input)).resolves.toBe('w-2');
      expect(fake.calls('POST', WEBHOOKS)[0].body).toEqual(input);
      await expect(client.getWebhook('w-1')).resolves.toEqual({
        status: 'ok',
        webhook: hook,
      });
      await expect(client.updateWebhook('w-1', { ...input, secret: undefined })).resolves.toEqual({
        status: 'ok',
      });
      expect(fake.calls('PUT', `${WEBHOOKS}/w-1`)[0].body).not.toHaveProperty('secret');
      await expect(client.testWebhook('w-1')).resolves.toEqual({
        status: 'Successful',
        httpStatusCode: 200,
      });
      await expect(client.eventNotificationTypes()).resolves.toEqual([
        {
          eventType: 'journey:taskcompleted',
          title: 'Task completed',
          example: {},
        },
      ]);
      await expect(client.deleteWebhook('w-1')).resolves.toEqual({
        status: 'ok',
      });
    });

    it('answers not-found for an unknown webhook', async () => {
      await expect(client.getWebhook('w-9')).resolves.toEqual({
        status: 'not-found',
      });
      await expect(client.updateWebhook('w-9', input)).resolves.toEqual({
        status: 'not-found',
      });
      await expect(client.deleteWebhook('w-9')).resolves.toEqual({
        status: 'not-found',
      });
    });

    it('reports FenX’s refusal of an eleventh webhook', async () => {
      fake.on('POST', WEBHOOKS, (_q, r) =>
        json(r, 400, {
          data: null,
          messages: [
            {
              message: 'Maximum of 10 webhooks',
              type: 'Error',
              errorCode: 'VALIDATION',
            },
          ],
        }),
      );
      await expect(client.createWebhook(input)).rejects.toMatchObject({
        status: 400,
        errorCode: 'VALIDATION',
      });
    });

    it('rejects malformed webhook answers', async () => {
      fake
        .on('GET', WEBHOOKS, (_q, r) => json(r, 200, { webHooks: 'x' }))
        .on('POST', WEBHOOKS, (_q, r) => json(r, 200, {}))
        .on('GET', `${WEBHOOKS}/w-1`, (_q, r) => json(r, 200, hook))
        .on('GET', `${WEBHOOKS}/w-1/test`, (_q, r) => json(r, 200, {}))
        .on('GET', `${WEBHOOKS}/event-notification-types`, (_q, r) => json(r, 200, {}));
      for (const call of [
        () => client.listWebhooks(),
        () => client.createWebhook(input),
        () => client.getWebhook('w-1'),
        () => client.testWebhook('w-1'),
        () => client.eventNotificationTypes(),
      ])
        await expect(call()).rejects.toMatchObject({
          reason: 'invalid-response',
        });
    });
  });

  it('offers the same machinery for endpoints without a typed method', async () => {
    fake.on('GET', '/documentquery/api/x', (_q, r) => json(r, 200, ok({ a: 1 })));
    const res = await client.call({
      method: 'GET',
      route: '/documentquery/api/x',
      path: '/documentquery/api/x',
    });
    expect(res).toMatchObject({ status: 200, body: { data: { a: 1 } } });
  });
});
