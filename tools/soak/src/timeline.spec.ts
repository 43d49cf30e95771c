import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LakeRowCounter, TimelineSample, timelineChart, writeTimeline } from './timeline';

/** A small run: a burst over 60 s, lag rising while the journey extractor is down, then draining. */
function samples(): TimelineSample[] {
  return Array.from({ length: 25 }, (_, i) => {
    const atMs = i * 5000;
    const delivered = Math.min(600, i * 40);
    const down = atMs >= 20000 && atMs < 40000;
    return {
      atMs,
      emitted: Math.min(600, i * 45),
      delivered,
      topic1Lag: i === 3 ? null : down ? delivered - 200 : Math.max(0, delivered - i * 38),
      details: Math.min(300, i * 14),
      lakeRows: Math.min(300, Math.max(0, i * 14 - 30)),
    };
  });
}
const FAULTS = [
  { kind: 'journey-extractor-kill', startedAt: 20000, endedAt: 40000 },
  { kind: 'broker-down', startedAt: 50000, endedAt: 65000 },
];

describe('the soak timeline', () => {
  it('puts every measured series over time and a window per fault', () => {
    const spec = timelineChart(samples(), FAULTS) as unknown as {
      layer: { data: { values: Record<string, unknown>[] } }[];
    };
    const [windows, , lines] = spec.layer;
    expect(windows.data.values).toEqual([
      { kind: 'journey-extractor-kill', from: 20, to: 40 },
      { kind: 'broker-down', from: 50, to: 65 },
    ]);
    const series = new Set(lines.data.values.map((p) => p['series']));
    expect(series).toEqual(
      new Set([
        'notifications delivered (topic 1)',
        'topic-1 lag (journey extractor)',
        'detail records (journeys + entities)',
        'lake rows',
      ]),
    );
    // A sample where Kafka did not answer has no lag point (a gap, not a zero).
    expect(lines.data.values.filter((p) => p['series'] === 'topic-1 lag (journey extractor)')).toHaveLength(
      24,
    );
    expect(lines.data.values).toContainEqual({
      seconds: 120,
      value: 600,
      series: 'notifications delivered (topic 1)',
    });
  });

  it('writes the chart as SVG, the fault windows named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'soak-timeline-'));
    try {
      const file = join(dir, 'timeline.svg');
      await writeTimeline(file, samples(), FAULTS);
      const svg = readFileSync(file, 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      for (const text of [
        'journey-extractor-kill',
        'broker-down',
        'lake rows',
        'seconds since the bursts started',
      ])
        expect(svg).toContain(text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("counts the lake's lines, each file read once", () => {
    const dir = mkdtempSync(join(tmpdir(), 'soak-lake-'));
    try {
      const counter = new LakeRowCounter(join(dir, 'lake'));
      expect(counter.count()).toBe(0);
      const hour = join(dir, 'lake', 'topic=t', 'dt=2026-11-23', 'hour=05');
      mkdirSync(hour, { recursive: true });
      writeFileSync(join(hour, 't+0+0.ndjson'), '{"a":1}\n{"a":2}\n');
      writeFileSync(join(hour, 't+1+0.ndjson.tmp'), '{"a":3}\n');
      expect(counter.count()).toBe(2);
      writeFileSync(join(hour, 't+1+0.ndjson'), '{"a":3}\n');
      expect(counter.count()).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
