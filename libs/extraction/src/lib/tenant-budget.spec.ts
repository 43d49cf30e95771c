import { parseRateShares, TenantBudget } from './tenant-budget';

describe('parseRateShares', () => {
  it('reads every extractor’s share', () => {
    expect(parseRateShares('journey-extractor=0.6, entity-extractor=0.4')).toEqual(
      new Map([
        ['journey-extractor', 0.6],
        ['entity-extractor', 0.4],
      ]),
    );
  });

  it('refuses shares that do not add up to 1, bad items and names given twice', () => {
    expect(() => parseRateShares('journey-extractor=0.6,entity-extractor=0.6')).toThrow(
      /must add up to 1 \(got 1.2/,
    );
    expect(() => parseRateShares('journey-extractor')).toThrow(/"journey-extractor" is not <app>=<share>/);
    expect(() => parseRateShares('a=0.5,a=0.5')).toThrow(/names a twice/);
    expect(() => parseRateShares('a=1.5')).toThrow(/not in \(0, 1\]/);
  });
});

describe('TenantBudget', () => {
  it('gives a replica its extractor’s share times its part of the partitions, recomputed at every join', async () => {
    const budget = new TenantBudget({ ratePerSecond: 50, maxConcurrency: 10, share: 0.6, partitions: 12 });
    try {
      expect(budget.ratePerSecond).toBeCloseTo(30);
      budget.assigned(6);
      expect(budget.ratePerSecond).toBeCloseTo(15);
      expect(budget.limiter.ratePerSecond).toBeCloseTo(15);
      budget.assigned(12);
      expect(budget.limiter.ratePerSecond).toBeCloseTo(30);
      // Two replicas with 5 and 7 partitions together take the share, no more.
      const other = new TenantBudget({ ratePerSecond: 50, maxConcurrency: 10, share: 0.6, partitions: 12 });
      budget.assigned(5);
      other.assigned(7);
      expect(budget.ratePerSecond + other.ratePerSecond).toBeCloseTo(30);
      await other.onApplicationShutdown();
      budget.assigned(0);
      expect(budget.ratePerSecond).toBeGreaterThan(0);
      expect(budget.ratePerSecond).toBeLessThan((50 * 0.6) / 12);
    } finally {
      await budget.onApplicationShutdown();
    }
  });

  it('refuses a share outside (0, 1]', () => {
    expect(
      () => new TenantBudget({ ratePerSecond: 50, maxConcurrency: 10, share: 0, partitions: 12 }),
    ).toThrow(/share must be in/);
  });
});
