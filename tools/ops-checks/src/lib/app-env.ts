import { join } from 'node:path';

/**
 * What each deployable app reads from its environment, taken from the apps themselves: their config
 * loaders run with an environment that records every variable asked for. A loader validates its Env
 * classes (class-validator schemas: `validateEnvAll([RadarEnv, KafkaEnv, LoggingEnv])`), which reads
 * each declared variable once, and reads a few more directly (e.g. lake-sink's AWS_REGION).
 *
 * The loaders are loaded at run time, by path: this tool checks the apps' declared configuration, it
 * does not depend on them.
 */
export interface AppEnvContract {
  app: DeployedApp;
  /** Every variable the app reads. */
  reads: Set<string>;
  /** The variables without which it refuses to start. */
  required: Set<string>;
}

export const DEPLOYED_APPS = ['radar', 'journey-extractor', 'entity-extractor', 'lake-sink'] as const;
export type DeployedApp = (typeof DEPLOYED_APPS)[number];

type Loader = (env: Record<string, string | undefined>) => unknown;

const LOADERS: Record<DeployedApp, { module: string; loader: string }> = {
  radar: { module: 'apps/radar/src/app/radar-config', loader: 'loadRadarConfig' },
  'journey-extractor': {
    module: 'apps/journey-extractor/src/app/journey-config',
    loader: 'loadJourneyConfig',
  },
  'entity-extractor': { module: 'apps/entity-extractor/src/app/config', loader: 'loadConfig' },
  'lake-sink': { module: 'apps/lake-sink/src/app/lake-config', loader: 'loadLakeSinkConfig' },
};

/** Variables read by the runtime rather than the app (npm sets this one when the app runs under npm). */
const RUNTIME_VARIABLES = new Set(['npm_package_version']);

export function appLoader(root: string, app: DeployedApp): Loader {
  const { module, loader } = LOADERS[app];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exports = require(join(root, module)) as Record<string, Loader>;
  const fn = exports[loader];
  if (typeof fn !== 'function') throw new Error(`${module} exports no ${loader}`);
  return fn;
}

/** Runs the app's loader on `env`, recording the names it reads; `error` is what it threw, if anything. */
export function loadRecorded(
  root: string,
  app: DeployedApp,
  env: Record<string, string>,
): { reads: Set<string>; error?: Error } {
  const reads = new Set<string>();
  const recorder = new Proxy(env, {
    get(target, key) {
      if (typeof key === 'string') reads.add(key);
      return target[key as string];
    },
  });
  try {
    appLoader(root, app)(recorder);
    return { reads };
  } catch (e) {
    return { reads, error: e as Error };
  }
}

/** The variables the app reads, and the ones it requires (what an empty environment is refused for). */
export function appEnvContract(
  root: string,
  app: DeployedApp,
  sample: Record<string, string>,
): AppEnvContract {
  const empty = loadRecorded(root, app, {});
  const problems = (empty.error as { problems?: string[] } | undefined)?.problems ?? [];
  const required = new Set(
    problems.filter((p) => p.endsWith('(not set)')).map((p) => p.slice(0, p.indexOf(':'))),
  );
  // With a valid environment the loader gets past validation and reads what it reads directly too.
  const full = loadRecorded(root, app, sample);
  if (full.error) throw new Error(`${app}: its loader refused the sample environment: ${full.error.message}`);
  const reads = new Set([...empty.reads, ...full.reads].filter((n) => !RUNTIME_VARIABLES.has(n)));
  return { app, reads, required };
}
