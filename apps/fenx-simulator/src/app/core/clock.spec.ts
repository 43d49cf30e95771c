import { SimClock } from './clock';

describe('SimClock', () => {
  it('manual: stands still and fires due timers in time order when advanced', () => {
    const clock = new SimClock('manual', 1, 1_000);
    const fired: string[] = [];
    clock.after(300, () => fired.push(`b@${clock.now()}`));
    clock.after(100, () => fired.push(`a@${clock.now()}`));
    const c = clock.after(200, () => fired.push('cancelled'));
    c.cancel();
    expect(clock.now()).toBe(1_000);
    clock.advance(250);
    expect(fired).toEqual(['a@1100']);
    clock.advance(50);
    expect(fired).toEqual(['a@1100', 'b@1300']);
    expect(clock.now()).toBe(1_300);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('manual: a timer scheduled by a timer fires within the same advance', () => {
    const clock = new SimClock('manual', 1, 0);
    const at: number[] = [];
    const tick = () => {
      at.push(clock.now());
      if (at.length < 3) clock.after(10, tick);
    };
    clock.after(10, tick);
    clock.advance(100);
    expect(at).toEqual([10, 20, 30]);
  });

  it('scaled: simulated time runs scale times faster than the injected real time', () => {
    let real = 0;
    const clock = new SimClock('scaled', 60, 0, () => real);
    real = 1_000;
    expect(clock.now()).toBe(60_000);
    clock.setScale(2);
    real = 2_000;
    expect(clock.now()).toBe(62_000);
    expect(clock.toSimMs(500)).toBe(1_000);
    clock.clear();
  });

  it('scaled: fires a 2-minute timer after 2 real ms at scale 60000', async () => {
    const clock = new SimClock('scaled', 60_000, 0);
    const fired = await new Promise<number>((resolve) => clock.after(120_000, () => resolve(clock.now())));
    expect(fired).toBeGreaterThanOrEqual(120_000);
    clock.clear();
  });

  it('rejects nonsense', () => {
    const clock = new SimClock('manual', 1, 0);
    expect(() => clock.advance(-1)).toThrow();
    expect(() => clock.setScale(0)).toThrow();
  });
});
