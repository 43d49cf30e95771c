import fc from 'fast-check';
import { CoalescingLedger, LedgerTake } from './coalescing-ledger';

/** One step of a random interleaving of reading, fetching and finishing fetches. */
type Op =
  | { kind: 'read'; partition: number; key: number }
  | { kind: 'skip'; partition: number }
  | { kind: 'take'; n: number }
  | { kind: 'finish'; pick: number; ok: boolean };

const PARTITIONS = 3;
const KEYS = 6;

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      partition: fc.nat(PARTITIONS - 1),
      key: fc.nat(KEYS - 1),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('skip' as const), partition: fc.nat(PARTITIONS - 1) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('take' as const), n: fc.integer({ min: 1, max: 3 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('finish' as const), pick: fc.nat(), ok: fc.boolean() }),
  },
);

interface ReadEvent {
  partition: number;
  offset: bigint;
  key: string;
  readAt: number;
}

interface Fetch {
  take: LedgerTake<ReadEvent>;
  startedAt: number;
}

/** Replays `ops` against a ledger and a model of which fetches covered which events. */
function run(ops: Op[], check: (state: Model) => void): Model {
  const ledger = new CoalescingLedger<ReadEvent>({ maxKeys: 1_000, maxBytes: 1_000_000 });
  const model: Model = {
    ledger,
    next: new Map(),
    events: [],
    succeeded: [],
    inFlight: [],
    lastCommit: new Map(),
    step: 0,
  };
  for (const o of ops) {
    model.step++;
    if (o.kind === 'read') {
      const offset = model.next.get(o.partition) ?? 0n;
      model.next.set(o.partition, offset + 1n);
      const e: ReadEvent = { partition: o.partition, offset, key: `k${o.key}`, readAt: model.step };
      model.events.push(e);
      ledger.add(o.partition, offset, e.key, e, 10);
    } else if (o.kind === 'skip') {
      const offset = model.next.get(o.partition) ?? 0n;
      model.next.set(o.partition, offset + 1n);
      ledger.skip(o.partition, offset);
    } else if (o.kind === 'take') {
      for (const take of ledger.take(o.n)) model.inFlight.push({ take, startedAt: model.step });
    } else if (model.inFlight.length > 0) {
      const [fetch] = model.inFlight.splice(o.pick % model.inFlight.length, 1);
      if (o.ok) {
        ledger.done(fetch.take);
        model.succeeded.push({ key: fetch.take.key, startedAt: fetch.startedAt });
      } else ledger.failed(fetch.take);
    }
    check(model);
  }
  return model;
}

interface Model {
  ledger: CoalescingLedger<ReadEvent>;
  next: Map<number, bigint>;
  events: ReadEvent[];
  succeeded: { key: string; startedAt: number }[];
  inFlight: Fetch[];
  lastCommit: Map<number, bigint>;
  step: number;
}

/** An event is covered when a fetch of its key that started after it was read succeeded. */
function covered(model: Model, e: ReadEvent): boolean {
  return model.succeeded.some((f) => f.key === e.key && f.startedAt > e.readAt);
}

function commitRule(model: Model): void {
  for (const [partition, offset] of model.ledger.committable()) {
    for (const e of model.events)
      if (e.partition === partition && e.offset < offset && !covered(model, e))
        throw new Error(`committed ${partition}@${offset} past ${e.key}@${e.offset}, not fetched since read`);
    const last = model.lastCommit.get(partition) ?? 0n;
    if (offset < last)
      throw new Error(`commit of partition ${partition} went back from ${last} to ${offset}`);
    model.lastCommit.set(partition, offset);
  }
}

describe('CoalescingLedger', () => {
  it('never commits past an event whose key was not fetched after it was read (random interleavings)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        run(ops, commitRule);
      }),
      { numRuns: 500 },
    );
  });

  it('commits everything read once every pending key was fetched', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 150 }), (ops) => {
        const model = run(ops, () => undefined);
        for (const f of model.inFlight) {
          model.step++;
          model.ledger.done(f.take);
          model.succeeded.push({ key: f.take.key, startedAt: f.startedAt });
        }
        model.inFlight = [];
        for (;;) {
          model.step++;
          const takes = model.ledger.take(KEYS);
          if (takes.length === 0) break;
          for (const take of takes) {
            model.ledger.done(take);
            model.succeeded.push({ key: take.key, startedAt: model.step });
          }
        }
        commitRule(model);
        expect(model.ledger.idle).toBe(true);
        expect(model.ledger.bytes).toBe(0);
        const committed = model.ledger.committable();
        for (const [partition, next] of model.next) expect(committed.get(partition)).toBe(next);
      }),
      { numRuns: 300 },
    );
  });

  it('fetches each pending key once, however its events are spread', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(PARTITIONS - 1), fc.nat(KEYS - 1)), { maxLength: 300 }),
        (reads) => {
          const ledger = new CoalescingLedger<number>({ maxKeys: 1_000, maxBytes: 1_000_000 });
          const next = new Map<number, bigint>();
          reads.forEach(([partition, key], i) => {
            const offset = next.get(partition) ?? 0n;
            next.set(partition, offset + 1n);
            ledger.add(partition, offset, `k${key}`, i, 1);
          });
          const takes = ledger.take(Number.MAX_SAFE_INTEGER);
          expect(takes.map((t) => t.key).sort()).toEqual([...new Set(reads.map(([, k]) => `k${k}`))].sort());
          expect(takes.reduce((n, t) => n + t.events.length, 0)).toBe(reads.length);
        },
      ),
    );
  });

  it('gives priority to the key holding the oldest pending event', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 150 }), (ops) => {
        const model = run(ops, () => undefined);
        const inFlight = new Set(model.inFlight.map((f) => f.take.key));
        const pending = model.events.filter(
          (e) => !covered(model, e) && !model.inFlight.some((f) => f.take.events.some((h) => h.event === e)),
        );
        const oldest = pending.filter((e) => !inFlight.has(e.key)).sort((a, b) => a.readAt - b.readAt)[0];
        const [take] = model.ledger.take(1);
        expect(take?.key).toBe(oldest?.key);
      }),
      { numRuns: 300 },
    );
  });

  it('is full at its key or byte bound and has room again once fetches finish', () => {
    const ledger = new CoalescingLedger<null>({ maxKeys: 2, maxBytes: 100 });
    ledger.add(0, 0n, 'a', null, 10);
    expect(ledger.full).toBe(false);
    ledger.add(0, 1n, 'b', null, 10);
    expect(ledger.full).toBe(true);
    const [a] = ledger.take(1);
    ledger.done(a);
    expect(ledger.full).toBe(false);
    ledger.add(0, 2n, 'b', null, 90);
    expect(ledger.full).toBe(true);
    expect(ledger.committable().get(0)).toBe(1n);
  });

  it('is full when the events read and not committable reach maxUncommitted', () => {
    const ledger = new CoalescingLedger<null>({ maxKeys: 10, maxBytes: 1000, maxUncommitted: 2 });
    ledger.add(0, 0n, 'a', null, 1);
    ledger.add(0, 1n, 'b', null, 1);
    expect(ledger.full).toBe(true);
    const takes = ledger.take(2);
    ledger.done(takes[1]);
    expect(ledger.full).toBe(true); // 'b' is covered, but the commit cannot pass 'a'
    ledger.done(takes[0]);
    expect(ledger.full).toBe(false);
    expect(ledger.uncommitted).toBe(0);
  });

  it('ignores a redelivered offset and fetches finishing after a reset', () => {
    const ledger = new CoalescingLedger<null>({ maxKeys: 10, maxBytes: 100 });
    ledger.track(0, 5n);
    expect(ledger.add(0, 5n, 'a', null, 1)).toBe(true);
    expect(ledger.add(0, 5n, 'a', null, 1)).toBe(false);
    const [a] = ledger.take(1);
    ledger.reset();
    ledger.done(a);
    expect(ledger.committable().size).toBe(0);
    expect(ledger.bytes).toBe(0);
  });

  it('refuses a bound below one', () => {
    expect(() => new CoalescingLedger({ maxKeys: 0, maxBytes: 1 })).toThrow(/maxKeys >= 1/);
  });
});
