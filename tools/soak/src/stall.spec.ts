import { StallDetector } from './stall';

const sink = (lag: number | null, progress: number | null) => ({
  component: 'lake-sink',
  input: 'lake topics',
  lag,
  progress,
});

describe('StallDetector', () => {
  it('names the part whose input waits while its progress stays put for the stall time', () => {
    const d = new StallDetector(60_000);
    expect(d.observe(0, [sink(500, 0)])).toBeUndefined();
    expect(d.observe(59_999, [sink(800, 0)])).toBeUndefined();
    expect(d.observe(60_000, [sink(900, 0)])).toEqual({
      component: 'lake-sink',
      input: 'lake topics',
      lag: 900,
      forMs: 60_000,
      progress: 0,
    });
  });

  it('progress or nothing to do restarts the clock; an unknown sample changes nothing', () => {
    const d = new StallDetector(60_000);
    d.observe(0, [sink(500, 0)]);
    d.observe(50_000, [sink(500, 10)]);
    expect(d.observe(100_000, [sink(500, 10)])).toBeUndefined();
    d.observe(105_000, [sink(0, 10)]);
    expect(d.observe(150_000, [sink(50, 10)])).toBeUndefined();
    expect(d.observe(160_000, [sink(null, null)])).toBeUndefined();
    expect(d.observe(165_000 + 1, [sink(50, 10)])).toMatchObject({ component: 'lake-sink', lag: 50 });
  });

  it('reports the part stalled longest when several are', () => {
    const d = new StallDetector(1_000);
    const radar = (progress: number) => ({
      component: 'radar',
      input: 'webhook deliveries',
      lag: 3,
      progress,
    });
    d.observe(0, [radar(1), sink(5, 1)]);
    d.observe(500, [radar(2), sink(5, 1)]);
    expect(d.observe(2_000, [radar(2), sink(5, 1)])).toMatchObject({ component: 'lake-sink', forMs: 2_000 });
  });
});
