import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import {
  BENCHMARKS_MD,
  CHARTS,
  journeyExtractorChart,
  radarChart,
  tablesStartingWith,
  writeBenchmarkCharts,
} from './benchmark-charts';

const page = readFileSync(BENCHMARKS_MD, 'utf8');

describe('the benchmark charts in docs/benchmarks.md', () => {
  it('are drawn from the result tables: drain ÷ floor and throughput ÷ floor of every run', () => {
    const je = journeyExtractorChart(page) as unknown as {
      data: { values: { label: string; group: string; value: number }[] };
    };
    expect(je.data.values).toContainEqual({
      label: '100,000 / 5,000 journeys, random, batch 1000',
      group: 'Kafka, coalescing',
      value: 1.15,
    });
    expect(je.data.values).toContainEqual({
      label: '100,000 / 5,000 journeys, waves, batch 1000',
      group: 'Kafka, chunks',
      value: 1.47,
    });
    expect(je.data.values).toHaveLength(
      tablesStartingWith(page, 'backlog')
        .filter((t) => 'floor' in (t[0] ?? {}))
        .reduce((n, t) => n + t.length, 0),
    );
    const radar = radarChart(page) as unknown as {
      data: { values: { label: string; group: string; value: number }[] };
    };
    expect(radar.data.values).toContainEqual({
      label: 'radar (Fastify)',
      group: 'Apache Kafka',
      value: 0.7,
    });
  });

  it('are checked in as the command draws them from the current figures (npx nx run ops-checks:benchmark-charts)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-charts-'));
    try {
      await writeBenchmarkCharts(dir);
      for (const file of Object.values(CHARTS))
        expect(readFileSync(join(workspaceRoot, 'docs', file), 'utf8')).toBe(
          readFileSync(join(dir, file), 'utf8'),
        );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are embedded in the page', () => {
    for (const file of Object.values(CHARTS)) expect(page).toContain(`](${file})`);
  });

  it('say which table they could not find', () => {
    expect(() => journeyExtractorChart('# nothing')).toThrow(
      'docs/benchmarks.md: no journey-extractor result table',
    );
    expect(() => radarChart('# nothing')).toThrow('docs/benchmarks.md: no radar result table');
  });
});
