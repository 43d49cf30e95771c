/** What the simulator's `/_sim/ground-truth` holds: everything that exists and everything delivered. */
export interface GroundTruth {
  tenantId: string;
  now: string;
  events: { emitted: number; duplicated: number; logged: number; logDropped: number };
  entities: {
    id: string;
    version: number;
    lifecycleStatus: string;
    deleted: boolean;
    drafts: {
      id: string;
      journeyId: string | null;
      status: string;
      version: number;
      sourceEntityVersion: number;
    }[];
  }[];
  journeys: {
    id: string;
    entityId: string;
    status: string;
    version: number;
    etag: string;
    tasksDone: number;
    tasksTotal: number;
  }[];
  associations: { id: string; entityId: string; relatedEntityId: string; status: string; version: number }[];
  webhooks: {
    id: string;
    name: string;
    url: string;
    status: string;
    queued: number;
    inFlight: number;
    retrying: number;
    deadLetter: unknown[];
    deliveryLogDropped: number;
  }[];
}

/** One entry of a webhook's delivery log. */
export interface Delivery {
  notificationId: string;
  eventType: string;
  outcome: 'delivered' | 'deadLettered';
  attempts: number;
  httpStatusCode: number | null;
  when: string;
}

export interface BurstStatus {
  kind: 'migration' | 'activity';
  requested: number;
  emitted: number;
  running: boolean;
  stoppedBecause: string | null;
  elapsedMs: number;
}

/**
 * The simulator's control API (`/_sim`: no auth, never faulted), the one client tests, benchmarks
 * and the soak use to drive the simulated tenant and read its ground truth.
 */
export class SimulatorControl {
  constructor(readonly url: string) {}

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  groundTruth(): Promise<GroundTruth> {
    return this.call('GET', '/_sim/ground-truth?deliveryLog=false');
  }

  /** The notifications emitted so far, in order, in FenX's polling shape (raw JSON objects). */
  events(offset: number, limit: number): Promise<{ total: number; firstOffset: number; events: unknown[] }> {
    return this.call('GET', `/_sim/events?offset=${offset}&limit=${limit}`);
  }

  /** A webhook's delivery log; `dropped` counts entries beyond the simulator's log bound. */
  deliveries(webhookId: string): Promise<{ dropped: number; deliveries: Delivery[] }> {
    return this.call('GET', `/_sim/webhooks/${webhookId}/deliveries`);
  }

  /** Runs `count` generator steps now (each a simulated action with its events), in slices of 500. */
  async step(count: number): Promise<void> {
    for (let left = count; left > 0; left -= 500)
      await this.call('POST', '/_sim/generator/step', { count: Math.min(500, left) });
  }

  startGenerator(): Promise<unknown> {
    return this.call('POST', '/_sim/generator/start');
  }

  stopGenerator(): Promise<unknown> {
    return this.call('POST', '/_sim/generator/stop');
  }

  startBurst(count: number, kind: 'migration' | 'activity'): Promise<unknown> {
    return this.call('POST', '/_sim/burst', { count, kind });
  }

  async burst(): Promise<BurstStatus | null> {
    return (await this.call<{ burst: BurstStatus | null }>('GET', '/_sim/burst')).burst;
  }

  /** FenX faults (see the simulator's README: error rates, latency, rate limits, token expiry). */
  setFaults(faults: Record<string, unknown>): Promise<unknown> {
    return this.call('PUT', '/_sim/faults', faults);
  }

  clearFaults(): Promise<unknown> {
    return this.call('DELETE', '/_sim/faults');
  }
}
