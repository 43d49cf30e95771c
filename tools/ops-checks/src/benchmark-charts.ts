// `npx nx run ops-checks:benchmark-charts`: the benchmarks' ratio-to-floor bar charts, drawn from
// the figures docs/benchmarks.md holds (its result tables) into SVG files beside it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { barChart, ChartSpec, writeSvg } from '@fenx/charts';

export const BENCHMARKS_MD = join(workspaceRoot, 'docs', 'benchmarks.md');
export const CHARTS = {
  journeyExtractor: 'benchmarks-journey-extractor.svg',
  radar: 'benchmarks-radar.svg',
} as const;

/** The Markdown tables of a page whose header row starts with `first`, each as rows of named cells. */
export function tablesStartingWith(page: string, first: string): Record<string, string>[][] {
  const tables: Record<string, string>[][] = [];
  const lines = page.split('\n');
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((c) => c.trim());
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('|') || cells(lines[i])[0] !== first) continue;
    const header = cells(lines[i]);
    const rows: Record<string, string>[] = [];
    for (let j = i + 2; j < lines.length && lines[j].startsWith('|'); j++)
      rows.push(Object.fromEntries(cells(lines[j]).map((c, k) => [header[k], c])));
    tables.push(rows);
  }
  return tables;
}

const number = (text: string) => Number(text.replace(/[^\d.]/g, ''));
/** The page's first radar table is on Apache Kafka, the second on librdkafka's mock cluster. */
const RUNS = ['Apache Kafka', 'mock cluster'];
/** The journey-extractor tables: coalescing on Apache Kafka, then chunks on Apache Kafka and on the mock. */
const EXTRACTOR_RUNS = ['Kafka, coalescing', 'Kafka, chunks', 'mock, chunks'];

/** Drain time over the floor (distinct journeys / rate limit) of each journey-extractor run. */
export function journeyExtractorChart(page: string): ChartSpec {
  const tables = tablesStartingWith(page, 'backlog').filter((t) => t[0] && 'floor' in t[0]);
  if (tables.length === 0) throw new Error('docs/benchmarks.md: no journey-extractor result table');
  return barChart({
    title: 'journey-extractor: drain time ÷ floor (journeys / FenX rate limit); 1 = the floor',
    valueTitle: 'drain ÷ floor (lower is better)',
    bars: tables.flatMap((rows, t) =>
      rows.map((r) => ({
        label: `${r['backlog']}, ${r['order']}, batch ${r['batch']}`,
        group: EXTRACTOR_RUNS[t] ?? `table ${t + 1}`,
        value: Math.round((number(r['drain']) / number(r['floor'])) * 100) / 100,
      })),
    ),
    rule: { value: 1, label: 'floor' },
  });
}

/** Max throughput of each radar server as a share of the bare node:http floor. */
export function radarChart(page: string): ChartSpec {
  const tables = tablesStartingWith(page, 'server').filter((t) => t[0] && 'of floor' in t[0]);
  if (tables.length === 0) throw new Error('docs/benchmarks.md: no radar result table');
  return barChart({
    title: 'radar: max req/s ÷ the bare node:http floor; 1 = the floor',
    valueTitle: 'max req/s ÷ floor (higher is better)',
    bars: tables.flatMap((rows, t) =>
      rows.map((r) => ({
        label: r['server'],
        group: RUNS[t] ?? `table ${t + 1}`,
        value: number(r['of floor']) / 100,
      })),
    ),
    rule: { value: 1, label: 'floor' },
  });
}

export async function writeBenchmarkCharts(dir = join(workspaceRoot, 'docs')): Promise<string[]> {
  const page = readFileSync(BENCHMARKS_MD, 'utf8');
  const files = [join(dir, CHARTS.journeyExtractor), join(dir, CHARTS.radar)];
  await writeSvg(files[0], journeyExtractorChart(page));
  await writeSvg(files[1], radarChart(page));
  return files;
}

if (require.main === module)
  writeBenchmarkCharts().then(
    (files) => process.stdout.write(`wrote ${files.join(', ')}\n`),
    (e: Error) => {
      process.stderr.write(`benchmark charts: ${e.message}\n`);
      process.exit(1);
    },
  );
