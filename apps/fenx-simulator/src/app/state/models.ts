/** FenX record shapes as served by the query APIs (field names from FenX's Swagger). */

export interface SingleProperty {
  type: 'Single';
  value: string | number | boolean | null;
}
export type Properties = Record<string, SingleProperty>;

export interface LegalEntity {
  id: string;
  type: 'Company' | 'Individual';
  properties: Properties;
  jurisdictions: string[];
  risk: string;
  role: string;
  lifecycleStatus: string;
  created: string;
  deleted: boolean;
  /** The verified record starts at version 0; each verification adds one. */
  version: number;
  propertiesVersion: number;
}

export type DraftStatus = 'InProgress' | 'Verified' | 'Rejected';

export interface EntityDraft {
  id: string;
  sourceEntityId: string;
  sourceEntityVersion: number;
  conflictsResolvedSourceEntityVersion: number | null;
  journeyId: string;
  /** The draft's full view: the verified data it started from plus its changes. */
  properties: Properties;
  /** Only what the draft changed. */
  draftProperties: Properties;
  status: DraftStatus;
  version: number;
  created: string;
  updated: string;
}

export interface Association {
  id: string;
  entityId: string;
  relatedEntityId: string;
  associationType: string;
  status: 'Draft' | 'Verified' | 'Removed';
  version: number;
  created: string;
  updated: string;
}

export type JourneyStatus = 'Not Started' | 'In Progress' | 'Done' | 'Cancelled' | 'Paused';

export type TaskStatus = 'Not Started' | 'In Progress' | 'Done' | 'Cancelled' | 'Error';

export interface CompletedBy {
  completedBy: string;
  completed: string;
}

export interface JourneyTask {
  id: string;
  name: string;
  taskKey: string;
  taskType: string;
  discriminator: string;
  status: TaskStatus;
  order: number;
  assignedTo: string | null;
  teamId: string;
  started: string | null;
  completed: string | null;
  completedBy: string | null;
  completedByHistory: CompletedBy[];
  reopened: string | null;
  reopenReason: string | null;
  reassignedBy: string | null;
  paused: string | null;
  cancelled: string | null;
}

export interface JourneyProcess {
  id: string;
  name: string;
  order: number;
  status: TaskStatus;
  tasks: JourneyTask[];
}

export interface JourneyStage {
  id: string;
  name: string;
  order: number;
  status: TaskStatus;
  started: string | null;
  completed: string | null;
  processes: JourneyProcess[];
}

export interface JourneyInstance {
  id: string;
  entityId: string;
  entityDraftId: string;
  type: string;
  name: string;
  identifier: string;
  status: JourneyStatus;
  jurisdictions: string[];
  started: string;
  completed: string | null;
  cancelled: string | null;
  cancellationReason: string | null;
  journeyOwner: { teamId: string; ownerId: string };
  version: number;
  stats: { completed: number; total: number; progress: number };
  serviceLevelAgreement: {
    status: 'OnTrack' | 'ApproachingDue' | 'PastDue';
    dueDate: string;
  };
  paused: string | null;
  pausedBy: string | null;
  unpaused: string | null;
  stages: JourneyStage[];
}
