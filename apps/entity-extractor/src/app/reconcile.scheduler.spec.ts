import { SchedulerRegistry } from '@nestjs/schedule';
import { waitFor } from '@fenx/testing';
import type { EntityJobs } from './entity-jobs';
import { ReconcileScheduler } from './reconcile.scheduler';

const settings = (intervalMs: number) => ({
  intervalMs,
  initialLookbackMs: 0,
  maxWindowMs: 1,
  overlapMs: 0,
  settleMs: 0,
});

describe('ReconcileScheduler', () => {
  it('runs a reconciliation at start and then on its interval, until shutdown', async () => {
    let runs = 0;
    const signals: (AbortSignal | undefined)[] = [];
    const jobs = {
      reconcile: async (signal?: AbortSignal) => {
        runs += 1;
        signals.push(signal);
        return { windows: [], events: 0, cursor: '' };
      },
    } as unknown as EntityJobs;
    const registry = new SchedulerRegistry();
    const scheduler = new ReconcileScheduler(jobs, registry, settings(20));
    scheduler.start();
    expect(registry.getIntervals()).toEqual(['entity-reconciliation']);
    await waitFor(() => runs >= 3, { what: 'three reconciliation runs' });
    scheduler.onApplicationShutdown();
    expect(registry.getIntervals()).toEqual([]);
    expect(signals[0]?.aborted).toBe(true);
  });

  it('schedules nothing with an interval of 0, and survives a failing run', async () => {
    const registry = new SchedulerRegistry();
    const failing = { reconcile: () => Promise.reject(new Error('FenX down')) } as unknown as EntityJobs;
    new ReconcileScheduler(failing, registry, settings(0)).start();
    expect(registry.getIntervals()).toEqual([]);
    const scheduler = new ReconcileScheduler(failing, registry, settings(60_000));
    scheduler.start();
    expect(registry.getIntervals()).toEqual(['entity-reconciliation']);
    scheduler.onApplicationShutdown();
  });
});
