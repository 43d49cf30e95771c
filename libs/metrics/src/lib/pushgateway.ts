import { Pushgateway, register as defaultRegistry, Registry } from 'prom-client';

/**
 * Pushes every metric of a registry to a Prometheus Pushgateway under `job` (replacing that
 * job's previous push), as scheduled jobs do just before they exit.
 */
export async function pushMetrics(
  gatewayUrl: string,
  job: string,
  groupings: Record<string, string> = {},
  registry: Registry = defaultRegistry,
): Promise<void> {
  const gateway = new Pushgateway(gatewayUrl, { timeout: 10000 }, registry);
  await gateway.pushAdd({ jobName: job, groupings });
}
