import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { ReconcileSettings } from './config';
import { EntityJobs, RECONCILE_SETTINGS } from './entity-jobs';

const JOB = 'entity-reconciliation';

/** In `continuous` mode, runs the reconciliation poll every RECONCILE_INTERVAL_MINUTES (hourly by default). */
@Injectable()
export class ReconcileScheduler implements OnApplicationShutdown {
  private readonly logger = new Logger(ReconcileScheduler.name);
  private readonly abort = new AbortController();

  constructor(
    private readonly jobs: EntityJobs,
    private readonly registry: SchedulerRegistry,
    @Inject(RECONCILE_SETTINGS) private readonly settings: ReconcileSettings,
  ) {}

  start(): void {
    if (this.settings.intervalMs <= 0) {
      this.logger.log('reconciliation schedule off (RECONCILE_INTERVAL_MINUTES=0)');
      return;
    }
    const tick = () => {
      this.jobs
        .reconcile(this.abort.signal)
        .catch((error: unknown) => this.logger.error({ err: error }, 'reconciliation failed'));
    };
    this.registry.addInterval(JOB, setInterval(tick, this.settings.intervalMs));
    this.logger.log({ everyMs: this.settings.intervalMs }, 'reconciliation scheduled');
    tick();
  }

  onApplicationShutdown(): void {
    this.abort.abort();
    if (this.registry.doesExist('interval', JOB)) this.registry.deleteInterval(JOB);
  }
}
