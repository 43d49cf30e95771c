import type { ContractMetric } from './metrics-contract';

/**
 * Metric families a Prometheus text exposition declares, with their type. A family counts as
 * exported from its `# HELP`/`# TYPE` lines alone: a labelled counter has no sample until it is
 * first incremented, yet it exists.
 */
export function parseExposition(text: string): Map<string, string> {
  const families = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      families.set(type[1], type[2]);
      continue;
    }
    const help = /^# HELP (\S+)/.exec(line);
    if (help && !families.has(help[1])) families.set(help[1], 'untyped');
  }
  return families;
}

/** What the exposition lacks of `expected`: missing families and wrong types, one line each. */
export function exportProblems(expected: readonly ContractMetric[], exposed: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const m of expected) {
    const type = exposed.get(m.name);
    if (type === undefined) problems.push(`${m.name} (${m.type}) is not exported`);
    else if (type !== m.type && type !== 'untyped')
      problems.push(`${m.name} is exported as a ${type}, docs/metrics.md says ${m.type}`);
  }
  return problems;
}

/** Fetches an app's /metrics and fails with the status and body start when it does not answer 200. */
export async function scrape(url: string): Promise<Map<string, string>> {
  const res = await fetch(url);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${text.slice(0, 200)}`);
  return parseExposition(text);
}
