import { SIMULATOR_DEFAULTS } from './app-process';

/**
 * The apps of the pipeline, in start order, with the settings that wire them together: one
 * definition for `npm start` (fixed local ports), the soak and the whole-pipeline tests (free ports). The identity and
 * secrets are the simulator's local-development values, never used anywhere else.
 */
export interface StackApp {
  /** Nx project: `dist/apps/<name>/main.js` runs. */
  name: string;
  env: Record<string, string>;
  args?: string[];
  port: number;
  /** Answers 2xx once the app is ready. */
  readyPath: string;
  describe: string;
}

export interface StackPorts {
  simulator: number;
  radar: number;
  journeyExtractor: number;
  entityExtractor: number;
  lakeSink: number;
}

export const LOCAL_PORTS: StackPorts = {
  simulator: 4010,
  radar: 4000,
  journeyExtractor: 4020,
  entityExtractor: 4030,
  lakeSink: 4040,
};

const url = (port: number) => `http://127.0.0.1:${port}`;

/** The FenX simulator, delivering its webhooks to radar. */
export function simulatorApp(ports: StackPorts, extraEnv: Record<string, string> = {}): StackApp {
  return {
    name: 'fenx-simulator',
    port: ports.simulator,
    env: {
      SIM_PORT: String(ports.simulator),
      SIM_TENANT_ID: SIMULATOR_DEFAULTS.tenantId,
      SIM_CLIENT_ID: SIMULATOR_DEFAULTS.clientId,
      SIM_CLIENT_SECRET: SIMULATOR_DEFAULTS.clientSecret,
      SIM_WEBHOOK_SECRET: SIMULATOR_DEFAULTS.webhookSecret,
      ...extraEnv,
    },
    readyPath: '/health',
    describe: `${url(ports.simulator)}  FenX APIs; ${url(ports.simulator)}/_sim/ground-truth`,
  };
}

/** The pipeline's own apps, talking to FenX at `simulatorUrl`. */
export function pipelineApps(settings: {
  ports: StackPorts;
  simulatorUrl: string;
  lakeDir: string;
}): StackApp[] {
  const { ports, simulatorUrl } = settings;
  const fenx = {
    FENX_BASE_URL: simulatorUrl,
    FENX_CLIENT_ID: SIMULATOR_DEFAULTS.clientId,
    FENX_CLIENT_SECRET: SIMULATOR_DEFAULTS.clientSecret,
    FENX_TENANT_ID: SIMULATOR_DEFAULTS.tenantId,
  };
  return [
    {
      name: 'radar',
      port: ports.radar,
      env: {
        PORT: String(ports.radar),
        RADAR_WEBHOOK_SECRETS: SIMULATOR_DEFAULTS.webhookSecret,
        FENX_TENANT_ID: SIMULATOR_DEFAULTS.tenantId,
        KAFKA_CLIENT_ID: 'radar',
      },
      readyPath: '/health/ready',
      describe: `${url(ports.radar)}/webhooks/fenx  signed FenX webhooks → topic 1; /metrics /health/ready`,
    },
    {
      name: 'journey-extractor',
      port: ports.journeyExtractor,
      env: {
        EXTRACTOR_MODE: 'continuous',
        EXTRACTOR_PORT: String(ports.journeyExtractor),
        KAFKA_CLIENT_ID: 'journey-extractor',
        ...fenx,
      },
      readyPath: '/health/ready',
      describe: `${url(ports.journeyExtractor)}/metrics  /health/ready; topic 1 → fenx.journey.details.v1`,
    },
    {
      name: 'entity-extractor',
      port: ports.entityExtractor,
      env: {
        EXTRACTOR_MODE: 'continuous',
        EXTRACTOR_PORT: String(ports.entityExtractor),
        KAFKA_CLIENT_ID: 'entity-extractor',
        ...fenx,
      },
      readyPath: '/health/ready',
      describe: `${url(ports.entityExtractor)}/metrics  entity details, drafts, conflicts; hourly reconciliation`,
    },
    {
      name: 'lake-sink',
      port: ports.lakeSink,
      env: {
        PORT: String(ports.lakeSink),
        LAKE_SINK_TARGET: settings.lakeDir,
        // Production holds a partition's records up to a minute (few files); locally and in the
        // whole-pipeline tests the lake follows within seconds (still one file per partition per interval).
        LAKE_SINK_FLUSH_INTERVAL_MS: '5000',
        KAFKA_CLIENT_ID: 'lake-sink',
      },
      readyPath: '/health/ready',
      describe: `${url(ports.lakeSink)}/metrics  lake files in ${settings.lakeDir}; SQL: node dist/apps/lake-sink/main.js report onboarding-weekly --lake ${settings.lakeDir}`,
    },
  ];
}
