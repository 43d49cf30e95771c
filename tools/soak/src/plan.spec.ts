import fc from 'fast-check';
import { FAULT_KINDS, planFaults } from './plan';

describe('planFaults', () => {
  it('is reproducible from its seed and differs with another seed', () => {
    const a = planFaults({ seed: 7, windowMs: 60000, extra: 5 });
    expect(planFaults({ seed: 7, windowMs: 60000, extra: 5 })).toEqual(a);
    expect(planFaults({ seed: 8, windowMs: 60000, extra: 5 })).not.toEqual(a);
  });

  it('injects every kind at least once, inside the window, in time order, within the duration bounds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 1, max: 600000 }),
        fc.integer({ min: 0, max: 20 }),
        (seed, windowMs, extra) => {
          const plan = planFaults({ seed, windowMs, extra, minForMs: 500, maxForMs: 3000, brokers: 3 });
          expect(plan).toHaveLength(FAULT_KINDS.length + extra);
          expect(new Set(plan.map((f) => f.kind))).toEqual(new Set(FAULT_KINDS));
          for (const [i, f] of plan.entries()) {
            expect(f.atMs).toBeGreaterThanOrEqual(0);
            expect(f.atMs).toBeLessThan(windowMs);
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

  it('limits itself to the kinds asked for', () => {
    const plan = planFaults({ seed: 1, windowMs: 1000, kinds: ['broker-down', 'fenx-429-storm'], extra: 10 });
    expect(new Set(plan.map((f) => f.kind))).toEqual(new Set(['broker-down', 'fenx-429-storm']));
  });
});
