/**
 * The apps of the local stack, in start order, with the embedded defaults that wire them
 * together. The credentials and secrets here are local-development values shared between the
 * FenX simulator and the pipeline's apps, never used anywhere else.
 */
export interface LocalApp {
  name: string;
  env: Record<string, string>;
  args?: string[];
  describe: string;
}

export const LOCAL = {
  simulatorUrl: 'http://127.0.0.1:4010',
  tenantId: '45bf62ac-e4b1-4c16-ae32-d774cd18db6d',
  clientId: 'fenx-sim-local-client',
  clientSecret: 'local-dev-only-not-a-secret',
  webhookSecret: 'local-dev-webhook-secret',
};

export const LOCAL_APPS: LocalApp[] = [
  {
    name: 'fenx-simulator',
    env: {
      SIM_PORT: '4010',
      SIM_TENANT_ID: LOCAL.tenantId,
      SIM_CLIENT_ID: LOCAL.clientId,
      SIM_CLIENT_SECRET: LOCAL.clientSecret,
      SIM_WEBHOOK_SECRET: LOCAL.webhookSecret,
    },
    describe: `${LOCAL.simulatorUrl}  FenX APIs; ${LOCAL.simulatorUrl}/_sim/ground-truth`,
  },
  {
    name: 'journey-extractor',
    env: {
      EXTRACTOR_MODE: 'continuous',
      EXTRACTOR_PORT: '4020',
      FENX_BASE_URL: LOCAL.simulatorUrl,
      FENX_CLIENT_ID: LOCAL.clientId,
      FENX_CLIENT_SECRET: LOCAL.clientSecret,
      FENX_TENANT_ID: LOCAL.tenantId,
      KAFKA_CLIENT_ID: 'journey-extractor',
    },
    describe: 'http://127.0.0.1:4020/metrics  /health/ready; topic 1 → fenx.journey.details.v1',
  },
  {
    name: 'entity-extractor',
    env: {
      EXTRACTOR_MODE: 'continuous',
      EXTRACTOR_PORT: '4030',
      FENX_BASE_URL: LOCAL.simulatorUrl,
      FENX_CLIENT_ID: LOCAL.clientId,
      FENX_CLIENT_SECRET: LOCAL.clientSecret,
      FENX_TENANT_ID: LOCAL.tenantId,
      KAFKA_CLIENT_ID: 'entity-extractor',
    },
    describe: 'http://127.0.0.1:4030/metrics  entity details, drafts, conflicts; hourly reconciliation',
  },
];
