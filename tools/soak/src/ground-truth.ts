/** The parts of the simulator's `/_sim/ground-truth` a soak run checks against. */
export interface GroundTruth {
  tenantId: string;
  now: string;
  events: { emitted: number; duplicated: number; logged: number; logDropped: number };
  entities: {
    id: string;
    version: number;
    deleted: boolean;
    drafts: {
      id: string;
      journeyId: string | null;
      status: string;
      version: number;
      sourceEntityVersion: number;
    }[];
  }[];
  journeys: { id: string; entityId: string; status: string; version: number; etag: string }[];
  webhooks: {
    id: string;
    url: string;
    status: string;
    queued: number;
    inFlight: number;
    retrying: number;
    deadLetter: unknown[];
  }[];
}

export interface Delivery {
  notificationId: string;
  eventType: string;
  outcome: 'delivered' | 'deadLettered';
  attempts: number;
  httpStatusCode: number | null;
  when: string;
}
