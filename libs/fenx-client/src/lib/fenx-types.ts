/**
 * Shapes of FenX's API as far as `fenx-api.md` knows them. Every object keeps unknown fields
 * (`[key: string]: unknown`): FenX adds fields over time and the lake wants them, so nothing is stripped.
 * Enumerations are open (`| (string & {})`) for the same reason.
 */

type Open<T extends string> = T | (string & {});

/** One entry of FenX's `messages` array. */
export interface FenxMessage {
  message?: string;
  type?: string;
  errorCode?: string;
  [key: string]: unknown;
}

// ---- Journeys ---------------------------------------------------------------------------------------

export type JourneyStatus = Open<'Not Started' | 'In Progress' | 'Done' | 'Cancelled' | 'Deleted' | 'Paused'>;

export type TaskStatus = Open<
  'Not Started' | 'In Progress' | 'Done' | 'Cancelled' | 'Error' | 'Skipped' | 'Descoped' | 'Paused'
>;

export interface JourneyTask {
  id: string;
  name?: string;
  taskKey?: string;
  taskType?: string;
  discriminator?: string;
  status?: TaskStatus;
  order?: number;
  assignedTo?: string | null;
  teamId?: string | null;
  started?: string | null;
  completed?: string | null;
  completedBy?: string | null;
  completedByHistory?: unknown[];
  reopened?: string | null;
  reopenReason?: string | null;
  reassignedBy?: string | null;
  paused?: string | boolean | null;
  cancelled?: string | null;
  [key: string]: unknown;
}

export interface JourneyProcess {
  id?: string;
  name?: string;
  status?: TaskStatus;
  tasks?: JourneyTask[];
  [key: string]: unknown;
}

export interface JourneyStage {
  id?: string;
  name?: string;
  status?: TaskStatus;
  processes?: JourneyProcess[];
  [key: string]: unknown;
}

export interface JourneyInstance {
  id: string;
  entityId?: string;
  entityDraftId?: string | null;
  type?: string;
  name?: string;
  identifier?: string;
  status?: JourneyStatus;
  jurisdictions?: string[];
  started?: string | null;
  completed?: string | null;
  cancelled?: string | null;
  cancellationReason?: string | null;
  journeyOwner?: { teamId?: string; ownerId?: string; [key: string]: unknown };
  version?: number;
  stats?: {
    completed?: number;
    total?: number;
    progress?: number;
    [key: string]: unknown;
  };
  serviceLevelAgreement?: {
    status?: string;
    dueDate?: string;
    [key: string]: unknown;
  } | null;
  /** Read as `[]` when FenX sends none. */
  stages: JourneyStage[];
  [key: string]: unknown;
}

// ---- Entity data ------------------------------------------------------------------------------------

export interface SinglePropertyValue {
  type: 'Single';
  value: unknown;
  [key: string]: unknown;
}

export interface CollectionPropertyValue {
  type: 'Collection';
  dataGroupId?: string;
  collections: Record<string, { properties: Record<string, PropertyValue>; [key: string]: unknown }>;
  [key: string]: unknown;
}

export type PropertyValue = SinglePropertyValue | CollectionPropertyValue;
export type Properties = Record<string, PropertyValue>;

/** The verified record. FenX gives it no last-modified field: `version` is what changes. */
export interface LegalEntity {
  id: string;
  type?: string;
  properties?: Properties;
  jurisdictions?: unknown[];
  risk?: unknown;
  role?: unknown;
  lifecycleStatus?: string;
  created?: string;
  deleted?: boolean | string | null;
  version?: number;
  propertiesVersion?: number;
  [key: string]: unknown;
}

export interface EntityDraft {
  id?: string;
  sourceEntityId?: string;
  sourceEntityVersion?: number;
  conflictsResolvedSourceEntityVersion?: number | null;
  journeyId?: string;
  properties?: Properties;
  draftProperties?: Properties;
  status?: string;
  version?: number;
  [key: string]: unknown;
}

export interface ProposedChange {
  dataKey: string;
  existingValue?: PropertyValue | null;
  newValue?: PropertyValue | null;
  changeType?: string;
  [key: string]: unknown;
}

// ---- Associations ---------------------------------------------------------------------------------

/** An association of the Association Query API (the union of FenX's two published DTOs). */
export interface Association {
  id: string;
  /** The parent entity. */
  sourceId?: string;
  /** The child entity. */
  targetId?: string;
  /** E.g. "Shareholder". */
  type?: string;
  journeyId?: string | null;
  isVerified?: boolean;
  ownershipPercentage?: number | null;
  controlPercentage?: number | null;
  markedForDeletion?: unknown[];
  properties?: Record<string, unknown>;
  [key: string]: unknown;
}

// ---- Conflicts --------------------------------------------------------------------------------------

export interface ConflictsRequest {
  pushChanges: boolean;
  entityVersion?: number;
  useSourceEntityVersion?: boolean;
  dataConflictResolutions?: Record<string, { type: string; value: unknown; [key: string]: unknown }>;
  [key: string]: unknown;
}

export interface DataConflict {
  /** The verified record's value. */
  existingValue?: PropertyValue | null;
  /** The draft's value. */
  newValue?: PropertyValue | null;
  [key: string]: unknown;
}

// ---- Event polling ----------------------------------------------------------------------------------

export type EventFeed = Open<
  'all' | 'journey' | 'entitydata' | 'association' | 'document' | 'screening' | 'digitalidv'
>;

/** A polled notification (camelCase on the polling API; webhooks use PascalCase). */
export interface FenxNotification {
  id: string;
  eventType: string;
  when?: string;
  tenantId?: string;
  causationId?: string | null;
  correlationId?: string | null;
  relativeUrl?: string;
  payload?: unknown;
  [key: string]: unknown;
}

// ---- Webhook admin ----------------------------------------------------------------------------------

export type WebhookStatus = Open<'UserDisabled' | 'Enabled' | 'SystemDisabled' | 'Retrying'>;

export interface WebhookDelivery {
  when?: string;
  notificationId?: string;
  status?: string;
  httpStatusCode?: number;
  [key: string]: unknown;
}

/** A webhook as FenX shows it (the secret is never returned). */
export interface Webhook {
  id: string;
  name?: string;
  url?: string;
  enabled?: boolean;
  status?: WebhookStatus;
  eventTypes?: string[];
  emailAddresses?: string[];
  type?: Open<'Single' | 'Batch'>;
  batchSize?: number;
  /** The last 20 deliveries (`GET …/webhooks/{id}` only; list items carry none). */
  lastDeliveries?: WebhookDelivery[];
  [key: string]: unknown;
}

/** Body of a webhook create or update; on update, leaving `secret` out keeps the current one. */
export interface WebhookInput {
  name: string;
  url: string;
  /** 1 to 128 characters. */
  secret?: string;
  enabled: boolean;
  /** `["*"]` or event types. */
  eventTypes: string[];
  emailAddresses?: string[];
  type?: 'Single' | 'Batch';
  /** 10 to 100, for `type: "Batch"`. */
  batchSize?: number;
  [key: string]: unknown;
}

export interface WebhookTestResult {
  status: Open<'Successful' | 'Failed' | 'TimedOut'>;
  httpStatusCode?: number;
  [key: string]: unknown;
}

export interface EventNotificationType {
  eventType: string;
  title?: string;
  example?: unknown;
  [key: string]: unknown;
}

// ---- Reports ----------------------------------------------------------------------------------------

/**
 * A row of a reporting API answer, kept as FenX sends it. Entity reports name the entity
 * `legalEntityId` (never `entityId`); journey reports name the journey `journeyId` (and its entity
 * `legalEntityId`). Fields per report in `fenx-api.md`.
 */
export type ReportRow = Record<string, unknown>;

export type ReportKind =
  | 'entity-created'
  | 'entity-updated'
  | 'journey-started'
  | 'journey-updated'
  | 'journey-completed';
