import { Progress, ProgressState } from './progress';

/** A stream that keeps what is written, and a clock the test moves. */
function harness(isTTY: boolean) {
  const written: string[] = [];
  let t = Date.parse('2026-01-01T00:00:00Z');
  return {
    stream: { isTTY, write: (s: string) => written.push(s) },
    now: () => t,
    advance: (ms: number) => (t += ms),
    written,
    states: () =>
      written.map((l) => JSON.parse(l) as { message: string; '@timestamp': string; progress: ProgressState }),
  };
}

describe('Progress when not a TTY', () => {
  it('writes one JSON line at start, at most one per interval, and one at the end', () => {
    const h = harness(false);
    const p = new Progress({
      label: 'lake replay',
      unit: 'records',
      total: 1000,
      stream: h.stream,
      now: h.now,
      intervalMs: 5000,
    });
    h.advance(1000);
    p.update(100); // within the interval: no line
    h.advance(4000);
    p.update(500, { phase: 'burst' }); // 5 s: a line
    h.advance(1000);
    p.increment(100); // 6 s: within the interval again
    h.advance(4000);
    p.update(1000);
    p.stop();
    p.stop(); // a second stop writes nothing
    expect(h.written.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    const lines = h.states();
    expect(lines.map((l) => l.message)).toEqual([
      'lake replay: 0/1000 records, 0/s',
      'lake replay: 500/1000 records, 100/s, ETA 5 s',
      'lake replay: 1000/1000 records, 100/s, ETA 0 s',
      'lake replay: 1000/1000 records, 100/s, ETA 0 s, done',
    ]);
    expect(lines[1].progress).toEqual({
      label: 'lake replay',
      unit: 'records',
      done: 500,
      total: 1000,
      rate: 100,
      etaSeconds: 5,
      elapsedSeconds: 5,
      finished: false,
      phase: 'burst',
    });
    expect(lines[3].progress.finished).toBe(true);
    expect(lines[3]['@timestamp']).toBe('2026-01-01T00:00:10.000Z');
  });

  it('counts without a total, and a total set later', () => {
    const h = harness(false);
    const p = new Progress({ label: 'drain', stream: h.stream, now: h.now, intervalMs: 1000 });
    h.advance(2000);
    p.update(50);
    p.setTotal(100);
    p.stop();
    expect(h.states().map((l) => l.message)).toEqual([
      'drain: 0 items, 0/s',
      'drain: 50 items, 25/s',
      'drain: 50/100 items, 25/s, ETA 2 s, done',
    ]);
  });

  it('writes nothing when disabled', () => {
    const h = harness(false);
    const p = new Progress({ label: 'x', stream: h.stream, now: h.now, enabled: false });
    p.update(3);
    p.stop();
    expect(h.written).toEqual([]);
    expect(p.state()).toMatchObject({ done: 3, finished: true });
  });
});

describe('Progress on a TTY', () => {
  it('draws a cli-progress bar with counts, rate and ETA', () => {
    const h = harness(true);
    const stream = Object.assign(h.stream, {
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
      columns: 120,
      on: () => stream,
      removeListener: () => stream,
    });
    const p = new Progress({ label: 'dead-letters replay', unit: 'records', total: 10, stream, now: h.now });
    h.advance(2000);
    p.update(4, { topic: 'fenx.journey.details.v1' });
    p.stop();
    const text = h.written.join('');
    expect(text).toContain('dead-letters replay');
    expect(text).toContain('4/10 records');
    expect(text).toContain('2/s');
    expect(text).toContain('topic=fenx.journey.details.v1');
    expect(text).not.toContain('{"');
  });
});
