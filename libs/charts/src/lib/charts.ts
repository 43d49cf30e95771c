import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export type ChartSpec = TopLevelSpec;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** A vega-lite spec drawn as SVG by vega's own renderer (headless: no browser, no canvas). */
export async function renderSvg(spec: ChartSpec): Promise<string> {
  const view = new View(parse(compile({ $schema: SCHEMA, ...spec } as TopLevelSpec).spec), {
    renderer: 'none',
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** `renderSvg` into a file (its directory made when missing). */
export async function writeSvg(file: string, spec: ChartSpec): Promise<void> {
  const svg = await renderSvg(spec);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${svg}\n`);
}

export interface Bar {
  /** One bar per label (per label and group when grouped). */
  label: string;
  value: number;
  /** Bars of one label side by side, coloured by group. */
  group?: string;
}

/** Horizontal bars, with an optional reference line (e.g. 1 for "as fast as the floor"). */
export function barChart(o: {
  title: string;
  bars: Bar[];
  valueTitle: string;
  rule?: { value: number; label: string };
  width?: number;
}): ChartSpec {
  const grouped = o.bars.some((b) => b.group !== undefined);
  const bars = {
    mark: { type: 'bar' as const },
    encoding: {
      y: { field: 'label', type: 'nominal' as const, title: null, sort: null, axis: { labelLimit: 400 } },
      x: { field: 'value', type: 'quantitative' as const, title: o.valueTitle },
      ...(grouped
        ? {
            yOffset: { field: 'group', type: 'nominal' as const },
            color: { field: 'group', type: 'nominal' as const, title: null },
          }
        : {}),
      tooltip: [{ field: 'label' }, { field: 'value' }],
    },
  };
  const labels = {
    mark: { type: 'text' as const, align: 'left' as const, dx: 3 },
    encoding: {
      y: { field: 'label', type: 'nominal' as const, sort: null },
      x: { field: 'value', type: 'quantitative' as const },
      ...(grouped ? { yOffset: { field: 'group', type: 'nominal' as const } } : {}),
      text: { field: 'value', type: 'quantitative' as const, format: '.2f' },
    },
  };
  const layers: object[] = [bars, labels];
  if (o.rule)
    layers.push({
      data: { values: [o.rule] },
      mark: { type: 'rule', strokeDash: [4, 3], color: '#555' },
      encoding: { x: { field: 'value', type: 'quantitative' } },
    });
  return {
    title: o.title,
    width: o.width ?? 480,
    data: { values: o.bars },
    layer: layers,
  } as ChartSpec;
}

/** Rows of a table as lines over their first column: one line per numeric column, or per value of a text column. */
export function seriesChart(o: {
  title: string;
  rows: Record<string, unknown>[];
  width?: number;
}): ChartSpec {
  const cols = o.rows.length ? Object.keys(o.rows[0]) : [];
  const [x, ...rest] = cols;
  const numeric = rest.filter((c) =>
    o.rows.some((r) => typeof r[c] === 'number' || typeof r[c] === 'bigint'),
  );
  if (!x || numeric.length === 0)
    throw new Error(
      `nothing to draw: a chart needs a first column and at least one numeric column (columns: ${cols.join(', ') || 'none'})`,
    );
  const series = rest.find((c) => !numeric.includes(c) && o.rows.every((r) => typeof r[c] === 'string'));
  const temporal = o.rows.every((r) => typeof r[x] === 'string' && !Number.isNaN(Date.parse(String(r[x]))));
  // One row per point: the x value, the measure and (when there is one) the series it belongs to.
  const points = o.rows.flatMap((r) =>
    numeric.map((m) => ({
      x: r[x],
      value: Number(r[m]),
      series: [numeric.length > 1 ? m : undefined, series ? String(r[series]) : undefined]
        .filter(Boolean)
        .join(' '),
    })),
  );
  const named = points.some((p) => p.series !== '');
  return {
    title: o.title,
    width: o.width ?? 560,
    height: 280,
    data: { values: points },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: temporal ? 'temporal' : 'ordinal', title: x },
      y: {
        field: 'value',
        type: 'quantitative',
        title: numeric.length === 1 ? numeric[0] : null,
        aggregate: 'sum',
      },
      ...(named ? { color: { field: 'series', type: 'nominal', title: series ?? null } } : {}),
    },
  } as ChartSpec;
}
