const PART = /^[a-z][a-z0-9_]*$/;

/**
 * Builds a metric name `<app>_<component>_<what>_<unit>` (Prometheus conventions: snake case,
 * base units, `_total` for counters). Throws on a malformed part so a typo fails at start-up.
 */
export function metricName(app: string, component: string, what: string, unit: string): string {
  const parts = [app.replace(/-/g, '_'), component, what, unit];
  for (const p of parts) {
    if (!PART.test(p)) throw new Error(`Invalid metric name part "${p}" in ${parts.join('_')}`);
  }
  return parts.join('_');
}
