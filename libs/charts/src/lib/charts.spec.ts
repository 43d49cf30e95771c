import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { barChart, renderSvg, seriesChart, writeSvg } from './charts';

describe('charts', () => {
  it('draws bars with their values and a reference line as SVG', async () => {
    const svg = await renderSvg(
      barChart({
        title: 'ratio to the floor',
        valueTitle: 'x floor',
        bars: [
          { label: 'fastify', value: 0.88 },
          { label: 'express', value: 0.61 },
        ],
        rule: { value: 1, label: 'floor' },
      }),
    );
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['ratio to the floor', 'fastify', 'express', '0.88', '0.61', 'x floor'])
      expect(svg).toContain(text);
  });

  it('draws grouped bars with a legend', async () => {
    const svg = await renderSvg(
      barChart({
        title: 't',
        valueTitle: 'v',
        bars: [
          { label: 'waves', group: 'full', value: 1.47 },
          { label: 'waves', group: 'short', value: 1.2 },
        ],
      }),
    );
    expect(svg).toContain('full');
    expect(svg).toContain('short');
  });

  it("draws a report's rows as one line per series over the first column", async () => {
    const rows = [
      { week: '2026-11-02', country: 'IE', started: 3, completed: 1 },
      { week: '2026-11-09', country: 'IE', started: 5, completed: 2 },
      { week: '2026-11-09', country: 'DE', started: 2, completed: 2 },
    ];
    const spec = seriesChart({ title: 'onboarding-weekly', rows }) as unknown as {
      data: { values: { x: unknown; value: number; series: string }[] };
    };
    expect(spec.data.values).toContainEqual({ x: '2026-11-09', value: 2, series: 'started DE' });
    expect(spec.data.values).toHaveLength(6);
    const file = join(mkdtempSync(join(tmpdir(), 'charts-')), 'sub', 'out.svg');
    try {
      await writeSvg(file, seriesChart({ title: 'onboarding-weekly', rows }));
      const svg = readFileSync(file, 'utf8');
      expect(svg).toContain('onboarding-weekly');
      expect(svg).toContain('completed IE');
    } finally {
      rmSync(join(file, '..', '..'), { recursive: true, force: true });
    }
  });

  it('says why a table cannot be drawn', () => {
    expect(() => seriesChart({ title: 't', rows: [{ name: 'a', note: 'b' }] })).toThrow(
      'nothing to draw: a chart needs a first column and at least one numeric column (columns: name, note)',
    );
    expect(() => seriesChart({ title: 't', rows: [] })).toThrow('(columns: none)');
  });
});
