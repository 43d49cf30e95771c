import { Pushgateway, register as defaultRegistry, Registry } from 'prom-client';

/**
 * Pushes every metric of a registry to a Prometheus Pushgateway under `job` (replacing the job's
 * metrics of the same names), as scheduled jobs do just before they exit. With `replace`, the push
 * replaces everything the job's group held (series of things that are gone do not linger).
 */
export async function pushMetrics(
  gatewayUrl: string,
  job: string,
  groupings: Record<string, string> = {},
  registry: Registry = defaultRegistry,
  options: { replace?: boolean } = {},
): Promise<void> {
  const gateway = new Pushgateway(gatewayUrl, { timeout: 10000 }, registry);
  if (options.replace) await gateway.push({ jobName: job, groupings });
  else await gateway.pushAdd({ jobName: job, groupings });
}
