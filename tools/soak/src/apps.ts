import { pipelineApps } from '@fenx/testing';
import type { SoakApp, SoakPorts } from './soak';

/**
 * The soak's topics have 48 partitions and the dev broker answers a fetch with one produce call's records
 * per partition, so the consumers take many partitions at a time (each app reads only its own setting).
 */
const BUSY_TOPIC_SETTINGS = {
  EXTRACTOR_PARTITIONS_CONCURRENTLY: '16',
  LAKE_SINK_PARTITIONS_CONCURRENTLY: '16',
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
    env: { ...ctx.kafkaEnv, ...a.env, ...BUSY_TOPIC_SETTINGS, LOG_LEVEL: 'warn' },
    args: a.args,
    readyUrl: `http://127.0.0.1:${a.port}${a.readyPath}`,
  }));
}
