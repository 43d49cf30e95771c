import { pipelineApps } from '@fenx/testing';
import type { SoakApp, SoakPorts } from './soak-stack';

/** The consumers take several of a topic's 12 partitions at a time (each app reads only its own setting). */
const BUSY_TOPIC_SETTINGS = {
  EXTRACTOR_PARTITIONS_CONCURRENTLY: '4',
  LAKE_SINK_PARTITIONS_CONCURRENTLY: '4',
};

/**
 * The FenX client limiters of the two extractors, which share the tenant's production limit (200 calls/s,
 * 50 in flight): the entity extractor makes several calls per entity (record, journeys, drafts, conflicts).
 */
const FENX_LIMITS: Record<string, Record<string, string>> = {
  'entity-extractor': { FENX_RATE_LIMIT_PER_SECOND: '140', FENX_MAX_CONCURRENCY: '35' },
  'journey-extractor': { FENX_RATE_LIMIT_PER_SECOND: '60', FENX_MAX_CONCURRENCY: '15' },
};

/** The pipeline apps of a soak run: the local stack's definition, on the run's broker and free ports. */
export function soakApps(ctx: {
  kafkaEnv: Record<string, string>;
  simulatorUrl: string;
  ports: SoakPorts;
  lakeDir: string;
}): SoakApp[] {
  return pipelineApps({
    ports: { ...ctx.ports, simulator: 0 },
    simulatorUrl: ctx.simulatorUrl,
    lakeDir: ctx.lakeDir,
  }).map((a) => ({
    name: a.name,
    env: { ...ctx.kafkaEnv, ...a.env, ...BUSY_TOPIC_SETTINGS, ...FENX_LIMITS[a.name], LOG_LEVEL: 'warn' },
    args: a.args,
    readyUrl: `http://127.0.0.1:${a.port}${a.readyPath}`,
  }));
}
