import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GrafanaTarget {
  expr?: string;
  refId?: string;
  legendFormat?: string;
  datasource?: unknown;
}

export interface GrafanaPanel {
  id?: number;
  title?: string;
  type?: string;
  targets?: GrafanaTarget[];
  panels?: GrafanaPanel[];
  datasource?: unknown;
}

export interface GrafanaVariable {
  name: string;
  type: string;
  query?: string | { query?: string };
  options?: { value: string }[];
}

export interface GrafanaDashboard {
  uid: string;
  title: string;
  panels: GrafanaPanel[];
  templating?: { list: GrafanaVariable[] };
}

export interface DashboardFile {
  file: string;
  dashboard: GrafanaDashboard;
}

/** Every `*.json` under the dashboards folder, parsed (a syntax error names the file). */
export function loadDashboards(dir: string): DashboardFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      try {
        return { file, dashboard: JSON.parse(text) as GrafanaDashboard };
      } catch (e) {
        throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
      }
    });
}

/** Every panel, rows' nested panels included. */
export function allPanels(panels: readonly GrafanaPanel[]): GrafanaPanel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

export interface PanelQuery {
  panel: string;
  expr: string;
}

/** The PromQL of every panel target, and of every query variable. */
export function dashboardQueries(d: GrafanaDashboard): PanelQuery[] {
  const queries: PanelQuery[] = [];
  for (const panel of allPanels(d.panels)) {
    for (const t of panel.targets ?? []) {
      if (t.expr) queries.push({ panel: panel.title ?? `panel ${panel.id}`, expr: t.expr });
    }
  }
  for (const v of d.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const q = typeof v.query === 'string' ? v.query : v.query?.query;
    const metric = q ? /label_values\(\s*([a-zA-Z_:][\w:]*)/.exec(q) : null;
    if (metric) queries.push({ panel: `variable ${v.name}`, expr: metric[1] });
  }
  return queries;
}

/** Grafana's built-in interval variables, replaced by a fixed range so the PromQL can be checked. */
const BUILT_INS: Record<string, string> = {
  __rate_interval: '5m',
  __interval: '1m',
  __range: '1h',
  __range_s: '3600',
};

/**
 * The expression once per value of the custom variables it uses (`$app`, `${app}`), with Grafana's
 * interval variables replaced; a variable that is not a custom one with options is an error.
 */
export function expandVariables(expr: string, d: GrafanaDashboard): string[] {
  const custom = new Map<string, string[]>();
  for (const v of d.templating?.list ?? []) {
    if (v.type === 'custom' && v.options?.length)
      custom.set(
        v.name,
        v.options.map((o) => o.value),
      );
  }
  let variants = [expr];
  const used = new Set([...expr.matchAll(/\$\{?(\w+)\}?/g)].map((m) => m[1]));
  for (const name of used) {
    if (name in BUILT_INS) {
      variants = variants.map((e) =>
        e.replace(new RegExp(`\\$\\{?${name}\\}?(?!\\w)`, 'g'), BUILT_INS[name]),
      );
      continue;
    }
    const values = custom.get(name);
    if (!values) throw new Error(`variable $${name} is not a custom variable with options`);
    variants = variants.flatMap((e) =>
      values.map((value) => e.replace(new RegExp(`\\$\\{${name}\\}|\\$${name}(?!\\w)`, 'g'), value)),
    );
  }
  return variants;
}
