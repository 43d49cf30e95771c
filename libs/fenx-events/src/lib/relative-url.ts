export type RelativeUrlKind =
  | 'entity'
  | 'draft'
  | 'proposedChanges'
  | 'association'
  | 'associations'
  | 'journey'
  | 'task'
  | 'unknown';

export interface ParsedRelativeUrl {
  kind: RelativeUrlKind;
  /** The url as given. */
  url: string;
  known: boolean;
  entityId?: string;
  draftId?: string;
  associationId?: string;
  journeyId?: string;
  taskId?: string;
}

type Ids = Omit<ParsedRelativeUrl, 'kind' | 'url' | 'known'>;

const SEG = '([^/?#]+)';
const ENTITY_API = 'entitydataquery/api(?:/v2)?/entity';

/** Ordered: `proposedchanges` must win over an entity id of the same spelling. */
const PATTERNS: { kind: RelativeUrlKind; re: RegExp; ids: (keyof Ids)[] }[] = [
  {
    kind: 'proposedChanges',
    re: new RegExp(`^${ENTITY_API}/proposedchanges/draft/${SEG}$`, 'i'),
    ids: ['draftId'],
  },
  {
    kind: 'draft',
    re: new RegExp(`^${ENTITY_API}/${SEG}/draft/${SEG}$`, 'i'),
    ids: ['entityId', 'draftId'],
  },
  {
    // The Association Query API's one-association GET; `root/{entityId}` lists an entity's.
    kind: 'associations',
    re: new RegExp(`^associationquery/api/association/root/${SEG}(?:/journey/${SEG})?$`, 'i'),
    ids: ['entityId', 'journeyId'],
  },
  {
    kind: 'association',
    re: new RegExp(`^associationquery/api/association/${SEG}$`, 'i'),
    ids: ['associationId'],
  },
  {
    kind: 'entity',
    re: new RegExp(`^${ENTITY_API}/${SEG}$`, 'i'),
    ids: ['entityId'],
  },
  {
    kind: 'task',
    re: new RegExp(`^journeyquery/api/journey-instance/${SEG}/task/${SEG}$`, 'i'),
    ids: ['journeyId', 'taskId'],
  },
  {
    kind: 'journey',
    re: new RegExp(`^journeyquery/api/journey-instance/${SEG}$`, 'i'),
    ids: ['journeyId'],
  },
];

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Extracts the ids from a notification's RelativeUrl: the Entity Data Query paths (FenX's documented
 * `entitydataquery/api/entity/{id}` is the v1 path; readers use the v2 read of the same id), the
 * Association Query paths, and the Journey Query paths. Tolerates a leading slash, a trailing
 * slash, a query string and an absolute URL on a FenX host. An unknown pattern is `known: false`
 * with the url kept, never an exception.
 */
export function parseRelativeUrl(url: unknown): ParsedRelativeUrl {
  const original = typeof url === 'string' ? url : '';
  const path = original
    .trim()
    .replace(/^https?:\/\/[^/]+/i, '')
    .replace(/[?#].*$/, '')
    .replace(/^\/+|\/+$/g, '');
  for (const { kind, re, ids } of PATTERNS) {
    const m = re.exec(path);
    if (!m) continue;
    const result: ParsedRelativeUrl = { kind, url: original, known: true };
    ids.forEach((name, i) => {
      if (m[i + 1] !== undefined) result[name] = safeDecode(m[i + 1]);
    });
    return result;
  }
  return { kind: 'unknown', url: original, known: false };
}

/** Builds the RelativeUrls FenX puts in notifications (no leading slash). */
export const relativeUrls = {
  /** FenX's own example uses the unversioned entity path. */
  entity: (entityId: string) => `entitydataquery/api/entity/${entityId}`,
  entityV2: (entityId: string) => `entitydataquery/api/v2/entity/${entityId}`,
  draft: (entityId: string, draftId: string) => `entitydataquery/api/v2/entity/${entityId}/draft/${draftId}`,
  /** The Association Query API's GET of one association (Entity Data Query has no association path). */
  association: (associationId: string) => `associationquery/api/association/${associationId}`,
  journey: (journeyId: string) => `journeyquery/api/journey-instance/${journeyId}`,
  task: (journeyId: string, taskId: string) =>
    `journeyquery/api/journey-instance/${journeyId}/task/${taskId}`,
};
