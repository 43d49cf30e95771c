import { ConsumerProgress, ProgressWatch, Stall } from './consumer-progress';

const TOPIC = 'fenx.journey.details.v1';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('ConsumerProgress', () => {
  it("the brokers' ends show the lag of an assigned partition no fetch reported; an unowned one is ignored", () => {
    const c = clock();
    const p = new ConsumerProgress(TOPIC, c.now);
    p.assigned([0, 1]);
    p.observedEnd(0, 10n, 4n);
    p.observedEnd(1, 3n, 3n);
    p.observedEnd(7, 99n, 0n);
    expect(p.lag).toBe(6);
    c.advance(30_000);
    expect(p.snapshot(30_000).stalled).toEqual({
      topic: TOPIC,
      partition: 0,
      lag: 6,
      since: 1_000_000,
      forMs: 30_000,
    });
    // A fetch and a commit take over from there; an older end read later changes nothing.
    p.fetched(0, 12n, 4n);
    p.committed(0, 12n);
    p.observedEnd(0, 10n, 4n);
    expect(p.snapshot(30_000)).toEqual({ topic: TOPIC, lag: 0, lastProgressAt: 1_030_000 });
  });

  it('a partition with lag that commits nothing for the stall time is stalled, since work arrived', () => {
    const c = clock();
    const p = new ConsumerProgress(TOPIC, c.now);
    p.assigned([0, 1]);
    c.advance(60_000);
    p.fetched(0, 500n, 0n);
    c.advance(29_999);
    expect(p.snapshot(30_000)).toEqual({ topic: TOPIC, lag: 500, lastProgressAt: 1_060_000 });
    c.advance(1);
    expect(p.snapshot(30_000).stalled).toEqual({
      topic: TOPIC,
      partition: 0,
      lag: 500,
      since: 1_060_000,
      forMs: 30_000,
    });
  });

  it('a commit moves the partition on; a caught-up partition is never stalled however long it is idle', () => {
    const c = clock();
    const p = new ConsumerProgress(TOPIC, c.now);
    p.fetched(3, 100n, 40n);
    c.advance(20_000);
    p.committed(3, 70n);
    c.advance(20_000);
    expect(p.snapshot(30_000)).toEqual({ topic: TOPIC, lag: 30, lastProgressAt: 1_020_000 });
    p.committed(3, 100n);
    c.advance(3_600_000);
    expect(p.snapshot(30_000)).toEqual({ topic: TOPIC, lag: 0, lastProgressAt: c.now() });
  });

  it('records arriving after a long idle start the wait then, not at the last commit', () => {
    const c = clock();
    const p = new ConsumerProgress(TOPIC, c.now);
    p.fetched(0, 10n, 0n);
    p.committed(0, 10n);
    c.advance(3_600_000);
    p.fetched(0, 25n, 10n);
    c.advance(1_000);
    expect(p.snapshot(30_000)).toEqual({ topic: TOPIC, lag: 15, lastProgressAt: c.now() - 1_000 });
  });

  it('the oldest waiting partition is the topic last progress; a commit that goes back is ignored', () => {
    const c = clock();
    const p = new ConsumerProgress(TOPIC, c.now);
    p.fetched(0, 100n, 0n);
    c.advance(5_000);
    p.fetched(1, 100n, 0n);
    p.committed(0, 50n);
    p.committed(0, 20n);
    const s = p.snapshot(60_000);
    expect(s).toEqual({ topic: TOPIC, lag: 150, lastProgressAt: 1_005_000 });
  });

  it('forgets partitions another member took over at a join', () => {
    const c = clock();
    const p = new ConsumerProgress(TOPIC, c.now);
    p.fetched(0, 100n, 0n);
    p.fetched(1, 100n, 0n);
    p.assigned([1]);
    expect(p.lag).toBe(100);
  });
});

describe('ProgressWatch', () => {
  it('reports a stall once when it starts and once when it ends, and holds it meanwhile', () => {
    const c = clock();
    const p = new ConsumerProgress(TOPIC, c.now);
    const events: string[] = [];
    const seen: number[] = [];
    const watch = new ProgressWatch(() => [p], {
      stallAfterMs: 10_000,
      observed: (s) => seen.push(s.lag),
      stalled: (s: Stall) => events.push(`stalled ${s.topic}/${s.partition} lag ${s.lag}`),
      recovered: (topic) => events.push(`recovered ${topic}`),
    });
    p.fetched(2, 7n, 0n);
    watch.look();
    c.advance(10_000);
    watch.look();
    c.advance(10_000);
    watch.look();
    expect(watch.stalled.map((s) => s.partition)).toEqual([2]);
    p.committed(2, 7n);
    watch.look();
    expect({ events, seen, stalled: watch.stalled }).toEqual({
      events: [`stalled ${TOPIC}/2 lag 7`, `recovered ${TOPIC}`],
      seen: [7, 7, 7, 0],
      stalled: [],
    });
  });

  it('gives up on a stall once, when it has lasted giveUpAfterMs, and again only after a recovery', () => {
    const c = clock();
    const p = new ConsumerProgress(TOPIC, c.now);
    const gaveUp: string[] = [];
    const watch = new ProgressWatch(() => [p], {
      stallAfterMs: 10_000,
      giveUpAfterMs: 30_000,
      gaveUp: (s) => gaveUp.push(`${s.topic}/${s.partition} after ${s.forMs} ms`),
    });
    p.fetched(0, 5n, 0n);
    for (let i = 0; i < 3; i++) {
      c.advance(10_000);
      watch.look();
    }
    expect(gaveUp).toEqual([`${TOPIC}/0 after 30000 ms`]);
    c.advance(10_000);
    watch.look();
    expect(gaveUp).toHaveLength(1);
    p.committed(0, 5n);
    watch.look();
    p.fetched(0, 9n);
    c.advance(30_000);
    watch.look();
    expect(gaveUp).toEqual([`${TOPIC}/0 after 30000 ms`, `${TOPIC}/0 after 30000 ms`]);
  });

  it('never gives up without giveUpAfterMs, and refuses one not longer than the stall time', () => {
    const c = clock();
    const p = new ConsumerProgress(TOPIC, c.now);
    const gaveUp: Stall[] = [];
    const watch = new ProgressWatch(() => [p], { stallAfterMs: 1000, gaveUp: (s) => gaveUp.push(s) });
    p.fetched(0, 5n, 0n);
    c.advance(3_600_000);
    watch.look();
    expect(watch.stalled).toHaveLength(1);
    expect(gaveUp).toEqual([]);
    expect(() => new ProgressWatch(() => [p], { stallAfterMs: 1000, giveUpAfterMs: 1000 })).toThrow(
      /giveUpAfterMs \(1000\) must be longer than stallAfterMs \(1000\)/,
    );
  });
});
