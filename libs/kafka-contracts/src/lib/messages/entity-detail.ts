import { OutgoingRecord } from '../records';
import { Decoded, decodeJson, missingStrings } from './decode';
import { boundedHeader, HEADER } from './headers';
import { SourceEventRef } from './source-events';

export const ENTITY_DETAIL_SCHEMA = 'fenx.entity-detail.v1';

/**
 * What an entity-details record describes. The topic is compacted, so each kind has its own key
 * (see `entityDetailKey`); all records of one entity share a partition (partition key = entity id).
 */
export type EntityDetailKind = 'entity' | 'draft' | 'association' | 'conflict';

export const ENTITY_DETAIL_KINDS: readonly EntityDetailKind[] = [
  'entity',
  'draft',
  'association',
  'conflict',
];

/** One field on which a draft and its entity's verified record disagree. */
export interface FieldConflict {
  field: string;
  /** The verified record's value (FenX's `existingValue`). */
  verifiedValue: unknown;
  /** The draft's value (FenX's `newValue`). */
  draftValue: unknown;
}

export interface EntityConflict {
  draftId: string;
  journeyId: string | null;
  /** The verified version the draft started from (or last resolved conflicts against). */
  draftSourceVersion: number | null;
  /** The verified version now. */
  verifiedVersion: number | null;
  fields: FieldConflict[];
  /** False when the conflicts call found none (the record then clears an earlier conflict). */
  behind: boolean;
}

export interface EntityDetail {
  schema: typeof ENTITY_DETAIL_SCHEMA;
  kind: EntityDetailKind;
  entityId: string;
  /** Set for `draft` and `conflict`. */
  draftId?: string;
  /** Set for `association`. */
  associationId?: string;
  tenantId: string;
  /** `deleted` when the API answered 404 (delete on miss); `data` is then null. */
  state: 'present' | 'deleted';
  /** The verified record's version (`entity`), the draft's own version (`draft`), else null. */
  version: number | null;
  fetchedAt: string;
  eventTime: string;
  sourceEvents: SourceEventRef[];
  /** FenX's response `data`, verbatim: the verified record, the draft or the association. */
  data: unknown;
  /** Set for `conflict`. */
  conflict?: EntityConflict;
}

/** The compaction key: one latest record per entity, per draft, per association, per draft conflict. */
export function entityDetailKey(
  d: Pick<EntityDetail, 'kind' | 'entityId' | 'draftId' | 'associationId'>,
): string {
  switch (d.kind) {
    case 'entity':
      return d.entityId;
    case 'draft':
      return `${d.entityId}/draft/${d.draftId ?? ''}`;
    case 'association':
      return `${d.entityId}/association/${d.associationId ?? ''}`;
    case 'conflict':
      return `${d.entityId}/conflict/${d.draftId ?? ''}`;
  }
}

export function entityDetailRecord(detail: EntityDetail): OutgoingRecord {
  return {
    key: entityDetailKey(detail),
    partitionKey: detail.entityId,
    value: JSON.stringify(detail),
    headers: {
      [HEADER.schema]: ENTITY_DETAIL_SCHEMA,
      [HEADER.kind]: detail.kind,
      [HEADER.state]: detail.state,
      [HEADER.tenantId]: detail.tenantId,
      [HEADER.sourceNotificationIds]: boundedHeader(
        detail.sourceEvents.map((e) => e.notificationId).join(','),
      ),
    },
  };
}

export function decodeEntityDetail(value: Buffer | string | null | undefined): Decoded<EntityDetail> {
  return decodeJson<EntityDetail>(value, ENTITY_DETAIL_SCHEMA, (rec) => {
    const missing = missingStrings(rec, ['kind', 'entityId', 'tenantId', 'state', 'fetchedAt', 'eventTime']);
    if (missing) return missing;
    if (!ENTITY_DETAIL_KINDS.includes(rec['kind'] as EntityDetailKind))
      return `unknown kind ${String(rec['kind'])}`;
    if (rec['state'] !== 'present' && rec['state'] !== 'deleted')
      return `unknown state ${String(rec['state'])}`;
    if ((rec['kind'] === 'draft' || rec['kind'] === 'conflict') && typeof rec['draftId'] !== 'string')
      return `${String(rec['kind'])} record without draftId`;
    if (rec['kind'] === 'conflict' && (typeof rec['conflict'] !== 'object' || rec['conflict'] === null))
      return 'conflict record without conflict';
    return undefined;
  });
}
