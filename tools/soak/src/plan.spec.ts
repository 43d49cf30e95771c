import fc from 'fast-check';
import { FAULT_KINDS, faultTarget, planFaults } from './plan';

describe('planFaults', () => {
  it('is reproducible from its seed and differs with another seed', () => {
    const a = planFaults({ seed: 7, windowMs: 60000, extra: 5 });
    expect(planFaults({ seed: 7, windowMs: 60000, extra: 5 })).toEqual(a);
    expect(planFaults({ seed: 8, windowMs: 60000, extra: 5 })).not.toEqual(a);
  });

  it('injects every kind at least once, in time order, within the duration bounds, faults of one target apart', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 1, max: 600000 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 30000 }),
        (seed, windowMs, extra, gapMs) => {
          const plan = planFaults({
            seed,
            windowMs,
            extra,
            minForMs: 500,
            maxForMs: 3000,
            brokers: 3,
            gapMs,
          });
          expect(plan).toHaveLength(FAULT_KINDS.length + extra);
          expect(new Set(plan.map((f) => f.kind))).toEqual(new Set(FAULT_KINDS));
          const lastOn = new Map<string, { atMs: number; forMs: number }>();
          for (const [i, f] of plan.entries()) {
            expect(f.atMs).toBeGreaterThanOrEqual(0);
            const before = lastOn.get(faultTarget(f));
            // Inside the window, or right after the previous fault on its target and the gap.
            if (before) expect(f.atMs).toBeGreaterThanOrEqual(before.atMs + before.forMs + gapMs);
            if (!before || f.atMs > before.atMs + before.forMs + gapMs) expect(f.atMs).toBeLessThan(windowMs);
            lastOn.set(faultTarget(f), f);
            expect(f.forMs).toBeGreaterThanOrEqual(500);
            expect(f.forMs).toBeLessThanOrEqual(3000);
            if (i > 0) expect(f.atMs).toBeGreaterThanOrEqual(plan[i - 1].atMs);
            if (f.kind === 'broker-down' || f.kind === 'broker-pause') expect([1, 2, 3]).toContain(f.broker);
            else expect(f.broker).toBeUndefined();
          }
        },
      ),
    );
  });

  it('moves a restart that would overlap the previous one of the same app past it', () => {
    // Two lake-sink kills drawn into a window far shorter than one kill and its gap.
    const plan = planFaults({
      seed: 3,
      windowMs: 100,
      kinds: ['lake-sink-kill'],
      extra: 1,
      minForMs: 1000,
      maxForMs: 1000,
      gapMs: 15000,
    });
    expect(plan.map((f) => f.kind)).toEqual(['lake-sink-kill', 'lake-sink-kill']);
    expect(plan[1].atMs).toBe(plan[0].atMs + 1000 + 15000);
  });

  it('names what each fault acts on', () => {
    expect(faultTarget({ kind: 'broker-down', broker: 2 })).toBe('broker-2');
    expect(faultTarget({ kind: 'broker-pause', broker: 2 })).toBe('broker-2');
    expect(faultTarget({ kind: 'radar-restart' })).toBe('radar');
    expect(faultTarget({ kind: 'fenx-429-storm' })).toBe(faultTarget({ kind: 'fenx-5xx-storm' }));
  });

  it('limits itself to the kinds asked for', () => {
    const plan = planFaults({ seed: 1, windowMs: 1000, kinds: ['broker-down', 'fenx-429-storm'], extra: 10 });
    expect(new Set(plan.map((f) => f.kind))).toEqual(new Set(['broker-down', 'fenx-429-storm']));
  });
});
