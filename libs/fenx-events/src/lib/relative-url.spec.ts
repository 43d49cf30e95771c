import { parseRelativeUrl, relativeUrls } from './relative-url';

const E = '9b22ae41-3f0a-4c68-a332-8669705ee3ec';
const D = '0f5c4b1e-9d7a-4c3b-8a51-2b1f4e6c7d80';
const J = '5a1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const T = 'b7c8d9e0-f1a2-4b3c-8d4e-5f6a7b8c9d0e';

describe('parseRelativeUrl', () => {
  it.each([
    [`entitydataquery/api/entity/${E}`, { kind: 'entity', entityId: E }],
    [`entitydataquery/api/v2/entity/${E}`, { kind: 'entity', entityId: E }],
    [`entitydataquery/api/v2/entity/${E}/draft/${D}`, { kind: 'draft', entityId: E, draftId: D }],
    [`entitydataquery/api/entity/${E}/draft/${D}`, { kind: 'draft', entityId: E, draftId: D }],
    [`entitydataquery/api/v2/entity/proposedchanges/draft/${D}`, { kind: 'proposedChanges', draftId: D }],
    [`associationquery/api/association/${D}`, { kind: 'association', associationId: D }],
    [`associationquery/api/association/root/${E}`, { kind: 'associations', entityId: E }],
    [
      `associationquery/api/association/root/${E}/journey/${J}`,
      { kind: 'associations', entityId: E, journeyId: J },
    ],
    [`journeyquery/api/journey-instance/${J}`, { kind: 'journey', journeyId: J }],
    [`journeyquery/api/journey-instance/${J}/task/${T}`, { kind: 'task', journeyId: J, taskId: T }],
  ])('parses %s', (url, expected) => {
    expect(parseRelativeUrl(url)).toEqual({ ...expected, url, known: true });
  });

  it('tolerates a leading or trailing slash, a query string, other casing and an absolute url', () => {
    for (const url of [
      `/journeyquery/api/journey-instance/${J}/`,
      `journeyquery/api/journey-instance/${J}?x=1`,
      `JourneyQuery/API/Journey-Instance/${J}`,
      `https://api.fenergox.com/journeyquery/api/journey-instance/${J}`,
    ]) {
      expect(parseRelativeUrl(url)).toMatchObject({
        kind: 'journey',
        journeyId: J,
        url,
      });
    }
  });

  it.each([
    'entitydataquery/api/v3/entity/x',
    // Entity Data Query has no association endpoint.
    `entitydataquery/api/v2/entity/${E}/association/${D}`,
    'documentquery/api/document/1',
    'journeyquery/api/journey-instance',
    '',
  ])('reports %p as unknown and keeps it', (url) => {
    expect(parseRelativeUrl(url)).toEqual({
      kind: 'unknown',
      url,
      known: false,
    });
  });

  it('never throws on non-strings or bad escapes', () => {
    expect(parseRelativeUrl(42)).toEqual({
      kind: 'unknown',
      url: '',
      known: false,
    });
    expect(parseRelativeUrl(undefined).known).toBe(false);
    expect(parseRelativeUrl('entitydataquery/api/entity/%E0%A4%A')).toMatchObject({
      kind: 'entity',
      entityId: '%E0%A4%A',
    });
    expect(parseRelativeUrl('entitydataquery/api/entity/a%20b').entityId).toBe('a b');
  });

  it('parses what the builders build', () => {
    expect(parseRelativeUrl(relativeUrls.entity(E))).toMatchObject({
      kind: 'entity',
      entityId: E,
    });
    expect(parseRelativeUrl(relativeUrls.entityV2(E))).toMatchObject({
      kind: 'entity',
      entityId: E,
    });
    expect(parseRelativeUrl(relativeUrls.draft(E, D))).toMatchObject({
      kind: 'draft',
      draftId: D,
    });
    expect(parseRelativeUrl(relativeUrls.association(D))).toMatchObject({
      kind: 'association',
      associationId: D,
    });
    expect(parseRelativeUrl(relativeUrls.journey(J))).toMatchObject({
      kind: 'journey',
    });
    expect(parseRelativeUrl(relativeUrls.task(J, T))).toMatchObject({
      kind: 'task',
      taskId: T,
    });
  });
});
