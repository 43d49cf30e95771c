/** The domains routed by the pipeline; every other FenX domain is kept and classified `other`. */
export type EventDomain = 'journey' | 'entitydata' | 'association' | 'other';

const JOURNEY_EVENTS = [
  'instancestarted',
  'instancecompleted',
  'instancecancelled',
  'instancepaused',
  'journeyPaused',
  'instanceunpaused',
  'journeyUnpaused',
  'stagepaused',
  'stageunpaused',
  'taskstarted',
  'taskcompleted',
  'taskerror',
  'taskreassigned',
  'taskreopened',
  'taskpaused',
  'taskunpaused',
  'slaapproachingdue',
  'slapastdue',
] as const;

const ENTITY_DATA_EVENTS = [
  'created',
  'draftcreated',
  // FenX's own example of a webhook's event types (Swagger): types are not only `[a-z]+:[a-z]+`.
  'draftcreated_enriched',
  'draftupdated',
  'draftverified',
  'draftrejected',
  'dataPublished',
  'migrated',
  'migrationupdated',
] as const;

const ASSOCIATION_EVENTS = [
  'associationverified',
  'associationcreated',
  'associationupdated',
  'associationremoved',
] as const;

type Prefixed<D extends string, T extends readonly string[]> = `${D}:${T[number]}`;

export type JourneyEventType = Prefixed<'journey', typeof JOURNEY_EVENTS>;
export type EntityDataEventType = Prefixed<'entitydata', typeof ENTITY_DATA_EVENTS>;
export type AssociationEventType = Prefixed<'association', typeof ASSOCIATION_EVENTS>;
export type KnownEventType = JourneyEventType | EntityDataEventType | AssociationEventType;

function prefixed<D extends string, T extends readonly string[]>(domain: D, names: T): Prefixed<D, T>[] {
  return names.map((n) => `${domain}:${n}` as Prefixed<D, T>);
}

/** Every event type the pipeline routes, spelled as in FenX's documentation. */
export const EVENT_TYPES: readonly KnownEventType[] = [
  ...prefixed('journey', JOURNEY_EVENTS),
  ...prefixed('entitydata', ENTITY_DATA_EVENTS),
  ...prefixed('association', ASSOCIATION_EVENTS),
];

const BY_LOWER = new Map<string, KnownEventType>(EVENT_TYPES.map((t) => [t.toLowerCase(), t]));

const DOMAINS: readonly EventDomain[] = ['journey', 'entitydata', 'association'];

export interface EventTypeInfo {
  domain: EventDomain;
  /** Whether the type is in the registry. */
  known: boolean;
  /** The registry spelling when known; otherwise the input, trimmed and lowercased. */
  canonical: string;
}

/** Classifies an event type case-insensitively; the part before `:` is the domain. */
export function classifyEventType(eventType: string): EventTypeInfo {
  const lower = eventType.trim().toLowerCase();
  const known = BY_LOWER.get(lower);
  const prefix = lower.includes(':') ? lower.slice(0, lower.indexOf(':')) : '';
  const domain = DOMAINS.find((d) => d === prefix) ?? 'other';
  return known ? { domain, known: true, canonical: known } : { domain, known: false, canonical: lower };
}

/** Whether `eventType` equals `expected`, ignoring case. */
export function isEventType(eventType: string, expected: KnownEventType): boolean {
  return eventType.trim().toLowerCase() === expected.toLowerCase();
}
