import { FenxClient, fenxClientSettings } from '@fenx/fenx-client';
import { SIMULATOR_DEFAULTS } from '@fenx/testing';

/** What `/_sim/ground-truth` says about entities and associations (the fields the tests compare). */
export interface GroundTruth {
  tenantId: string;
  now: string;
  entities: {
    id: string;
    version: number;
    drafts: { id: string; journeyId: string; status: string; version: number; sourceEntityVersion: number }[];
  }[];
  associations: { id: string; entityId: string; status: string; version: number }[];
  webhooks: { id: string; status: string; queued: number; inFlight: number; retrying: number }[];
  journeys: { id: string; entityId: string; status: string }[];
}

async function simCall(url: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

export const sim = {
  groundTruth: (url: string) =>
    simCall(url, 'GET', '/_sim/ground-truth?deliveryLog=false') as Promise<GroundTruth>,
  step: (url: string, count: number) => simCall(url, 'POST', '/_sim/generator/step', { count }),
  start: (url: string) => simCall(url, 'POST', '/_sim/generator/start'),
  stop: (url: string) => simCall(url, 'POST', '/_sim/generator/stop'),
  faults: (url: string, faults: Record<string, unknown>) => simCall(url, 'PUT', '/_sim/faults', faults),
  clearFaults: (url: string) => simCall(url, 'DELETE', '/_sim/faults'),
};

/** A FenX client for the simulator with its local-development identity. */
export function simClient(url: string): FenxClient {
  return new FenxClient(
    fenxClientSettings({
      baseUrl: url,
      clientId: SIMULATOR_DEFAULTS.clientId,
      clientSecret: SIMULATOR_DEFAULTS.clientSecret,
      tenantId: SIMULATOR_DEFAULTS.tenantId,
      rateLimitPerSecond: 1000,
      maxConcurrency: 20,
      maxRetries: 2,
      backoffBaseMs: 20,
    }),
  );
}

export interface ConflictCase {
  entityId: string;
  draftId: string;
  entityVersion: number;
  dataConflicts: Record<string, { existingValue: unknown; newValue: unknown }>;
}

/**
 * Steps the generator until an open draft is behind its verified record on clashing fields (two
 * journeys on one entity, the other one verified first) and returns what FenX's conflicts call says.
 */
export async function stepUntilConflict(
  url: string,
  client: FenxClient,
  maxSteps = 3000,
): Promise<ConflictCase> {
  for (let steps = 0; steps < maxSteps; steps += 10) {
    await sim.step(url, 10);
    const truth = await sim.groundTruth(url);
    for (const e of truth.entities)
      for (const d of e.drafts)
        if (d.status === 'InProgress' && d.sourceEntityVersion < e.version) {
          const r = await client.checkConflicts(e.id, d.id, { pushChanges: false });
          if (r.status === 'conflict' && Object.keys(r.conflicts).length > 0)
            return {
              entityId: e.id,
              draftId: d.id,
              entityVersion: r.entityVersion ?? e.version,
              dataConflicts: r.conflicts as ConflictCase['dataConflicts'],
            };
        }
  }
  throw new Error(`No conflicting draft after ${maxSteps} generator steps`);
}
