import { renderReport, withLastRun } from './report';
import type { SoakResult } from './soak';

const result: SoakResult = {
  options: {
    seed: 42,
    activityEvents: 1000,
    migrationEvents: 0,
    faultWindowMs: 1000,
    extraFaults: 0,
    fuzzRequests: 10,
    malformedRecords: 5,
    convergeTimeoutMs: 1000,
  },
  startedAt: '2026-11-23T01:02:03.000Z',
  durationMs: 61000,
  faults: [
    { kind: 'broker-down', atMs: 10, forMs: 1000, broker: 2, startedAt: 12, endedAt: 1015, note: 'broker 2' },
  ],
  convergedAfterLastFaultMs: 4200,
  endState: {
    delivered: 1000,
    topic1Records: 1010,
    lost: [],
    duplicates: 10,
    journeys: {
      expected: 50,
      upToDate: 49,
      shortfalls: [{ id: 'j1', expected: 'present etag "a"', found: 'no record' }],
    },
    entities: { expected: 20, upToDate: 20, shortfalls: [] },
    drafts: { expected: 3, upToDate: 3, shortfalls: [] },
    deadLetters: [{ topic: 'fenx.journey-extractor.dead-letter.v1', reason: 'value is not JSON', count: 5 }],
    complete: false,
  },
  fuzz: {
    sent: 10,
    signedAccepted: 4,
    signedAnswered: { '202': 4 },
    unsignedAnswered: { '401': 6 },
    unsignedAccepted: 0,
    acceptedNotStored: 0,
  },
  malformed: { written: 5, deadLettered: 5 },
  peakRssMb: { radar: 120, 'fenx-simulator': 300 },
  droppedByRetention: { 'fenx.webhook.events.v1': 0, 'fenx.entity.details.v1': 812 },
  crashes: [],
  logDir: '/tmp/soak-logs-42-abc',
  logsKept: true,
  timeline: [],
  ok: false,
};

describe('renderReport', () => {
  it('states the figures, the faults, the dead letters with reasons, memory and the shortfalls', () => {
    const md = renderReport(result);
    expect(md).toContain('seed 42: **FAILED** in 61 s');
    expect(md).toContain('| lost (delivered, not in topic 1) | 0 |');
    expect(md).toContain("| Kafka | Apache Kafka, 3 KRaft nodes, the manifest's topics |");
    expect(md).toContain('| duplicates in topic 1 | 10 |');
    expect(md).toContain('| journeys with their latest state | 49 / 50 |');
    expect(md).toContain('| time to converge after the last fault | 4.2 s |');
    expect(md).toContain('| broker-down | 12 | 1,015 | broker 2 |');
    expect(md).toContain('| fenx.journey-extractor.dead-letter.v1 | value is not JSON | 5 |');
    expect(md).toContain('| radar | 120 |');
    expect(md).toContain(
      '| `fenx.entity.details.v1` records deleted by retention before the end check (seen live before) | 812 |',
    );
    expect(md).toContain('- journeys j1: expected present etag "a", found no record');
    expect(md).toContain('| app logs | kept in `/tmp/soak-logs-42-abc` (one file per app) |');
    expect(md).toContain('| unexpected process exits (each restarted after a back-off) | 0 |');
  });

  it('lists every crash with its exit code or signal and its last lines, and the part that stalled', () => {
    const md = renderReport({
      ...result,
      crashes: [
        {
          app: 'lake-sink',
          code: 1,
          signal: null,
          atMs: 612000,
          lastLines: ['{"log.level":"error","message":"lake consumer of t failed for good (x)"}'],
        },
        { app: 'radar', code: null, signal: 'SIGSEGV', atMs: 5, lastLines: [] },
      ],
      stall: {
        component: 'lake-sink',
        input: 'the lake topics',
        lag: 26911,
        forMs: 300000,
        progress: 0,
        crashes: 1,
      },
    });
    expect(md).toContain('| unexpected process exits (each restarted after a back-off) | 2 |');
    expect(md).toContain('- lake-sink at 612,000 ms: exit code 1, signal null; its last 1 lines:');
    expect(md).toContain('  {"log.level":"error","message":"lake consumer of t failed for good (x)"}');
    expect(md).toContain('- radar at 5 ms: exit code null, signal SIGSEGV; its last 0 lines:');
    expect(md).toContain(
      '| **failed fast**: stopped progressing | lake-sink: 26,911 records of the lake topics waiting, nothing moved on for 300 s, 1 crashes |',
    );
  });

  it('says "none" when nothing was dead-lettered and lists no shortfalls when complete', () => {
    const md = renderReport({
      ...result,
      ok: true,
      endState: { ...result.endState, deadLetters: [], complete: true },
    });
    expect(md).toContain('**passed**');
    expect(md).toMatch(/\*\*Dead letters\*\*:\n\nnone/);
    expect(md).not.toContain('Shortfalls');
  });
});

describe('withLastRun', () => {
  it('replaces the section between the markers and keeps the rest of the page', () => {
    const page =
      '# Reliability\n\nintro\n\n<!-- soak:last-run:start -->\nold\n<!-- soak:last-run:end -->\n\n## How to run\n';
    expect(withLastRun(page, 'new\n')).toBe(
      '# Reliability\n\nintro\n\n<!-- soak:last-run:start -->\nnew\n<!-- soak:last-run:end -->\n\n## How to run\n',
    );
  });

  it('appends the section when the page has no markers', () => {
    expect(withLastRun('# Reliability\n', 'figures\n')).toBe(
      '# Reliability\n\n<!-- soak:last-run:start -->\nfigures\n<!-- soak:last-run:end -->\n',
    );
  });
});
