import { FenxClient, fenxClientSettings } from '@fenx/fenx-client';
import { SIMULATOR_DEFAULTS, SimulatorControl } from '@fenx/testing';

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
  const control = new SimulatorControl(url);
  for (let steps = 0; steps < maxSteps; steps += 10) {
    await control.step(10);
    const truth = await control.groundTruth();
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
