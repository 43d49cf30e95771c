import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChartSpec, writeSvg } from '@fenx/charts';

/** One sample of the run, taken every few seconds from the start of the bursts. */
export interface TimelineSample {
  /** Since the bursts started. */
  atMs: number;
  /** Notifications FenX (the simulator) emitted so far. */
  emitted: number;
  /** Notifications delivered and stored in topic 1 (the live tail's count). */
  delivered: number;
  /** What the journey extractor's group has yet to process in topic 1 (null: Kafka did not answer). */
  topic1Lag: number | null;
  /** What lake-sink's groups have yet to write, over the lake topics (null: Kafka did not answer). */
  lakeLag?: number | null;
  /** Journeys and entities in the detail topics (latest record per key). */
  details: number;
  /** Lines in the lake's files. */
  lakeRows: number;
}

/** A fault's window, since the bursts started. */
export interface FaultWindow {
  kind: string;
  startedAt: number;
  endedAt: number;
}

const SERIES: { key: keyof TimelineSample; name: string }[] = [
  { key: 'delivered', name: 'notifications delivered (topic 1)' },
  { key: 'topic1Lag', name: 'topic-1 lag (journey extractor)' },
  { key: 'details', name: 'detail records (journeys + entities)' },
  { key: 'lakeRows', name: 'lake rows' },
];

/** The run as lines over time, with each fault's window shaded and named. */
export function timelineChart(samples: readonly TimelineSample[], faults: readonly FaultWindow[]): ChartSpec {
  const points = samples.flatMap((s) =>
    SERIES.filter(({ key }) => s[key] !== null).map(({ key, name }) => ({
      seconds: s.atMs / 1000,
      value: s[key] as number,
      series: name,
    })),
  );
  const windows = faults.map((f) => ({ kind: f.kind, from: f.startedAt / 1000, to: f.endedAt / 1000 }));
  return {
    title: 'Soak: delivery, lag, detail records and lake rows against the fault windows',
    width: 720,
    height: 320,
    layer: [
      {
        data: { values: windows },
        mark: { type: 'rect', color: '#d62728', opacity: 0.12 },
        encoding: {
          x: { field: 'from', type: 'quantitative' },
          x2: { field: 'to' },
          tooltip: [{ field: 'kind' }, { field: 'from' }, { field: 'to' }],
        },
      },
      {
        data: { values: windows },
        mark: {
          type: 'text',
          angle: 270,
          align: 'right',
          baseline: 'top',
          dx: -4,
          dy: 2,
          fontSize: 9,
          color: '#8c1c1c',
        },
        encoding: { x: { field: 'from', type: 'quantitative' }, y: { value: 0 }, text: { field: 'kind' } },
      },
      {
        data: { values: points },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 'seconds', type: 'quantitative', title: 'seconds since the bursts started' },
          y: { field: 'value', type: 'quantitative', title: 'records' },
          color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 2 } },
        },
      },
    ],
  } as ChartSpec;
}

/** The timeline chart into an SVG file. */
export function writeTimeline(
  file: string,
  samples: readonly TimelineSample[],
  faults: readonly FaultWindow[],
): Promise<void> {
  return writeSvg(file, timelineChart(samples, faults));
}

/**
 * Counts the lines of a lake directory's files, reading each file once: the lake sink puts a file in place
 * whole and never changes it (a rewrite after a restart has the same name and the same lines).
 */
export class LakeRowCounter {
  private readonly seen = new Map<string, number>();

  constructor(private readonly dir: string) {}

  count(): number {
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ndjson') && !this.seen.has(p)) {
          const text = readFileSync(p, 'utf8');
          let n = 0;
          for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
          this.seen.set(p, n);
        }
      }
    };
    try {
      walk(this.dir);
    } catch {
      // the directory is not there yet
    }
    let total = 0;
    for (const n of this.seen.values()) total += n;
    return total;
  }
}
