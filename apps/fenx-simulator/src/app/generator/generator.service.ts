import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { setImmediate as nextTick } from 'node:timers/promises';
import { SimulatorEnv } from '../config/simulator-env';
import { ClockTimer, SimClock } from '../core/clock';
import { NotificationBus } from '../events/notification-bus';
import { SimStore } from '../state/sim-store';
import { WebhookService } from '../webhooks/webhook.service';
import { ActivityGenerator } from './activity-generator';

export type BurstKind = 'activity' | 'migration';

export interface BurstStatus {
  kind: BurstKind;
  requested: number;
  /** Notifications emitted by this burst so far (duplicates not counted). */
  emitted: number;
  running: boolean;
  stoppedBecause: 'done' | 'stopped' | 'exhausted' | null;
  elapsedMs: number;
}

const CHUNK = 500;

/** Runs the activity generator on the sim clock, step by step on demand, or as a burst. */
@Injectable()
export class GeneratorService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(GeneratorService.name);
  private generator: ActivityGenerator;
  private timer: ClockTimer | null = null;
  private burstState: BurstStatus | null = null;
  private burstStop = false;
  private burstStarted = 0;
  private seed: string;

  constructor(
    private readonly env: SimulatorEnv,
    private readonly store: SimStore,
    private readonly bus: NotificationBus,
    private readonly clock: SimClock,
    private readonly webhooks: WebhookService,
  ) {
    this.seed = env.SIM_SEED;
    this.generator = this.create();
  }

  onApplicationBootstrap(): void {
    if (this.env.SIM_AUTOSTART) this.start();
  }

  onModuleDestroy(): void {
    this.stop();
    this.burstStop = true;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  status() {
    return {
      seed: this.seed,
      running: this.running,
      stepIntervalMs: this.env.SIM_STEP_INTERVAL_MS,
      steps: this.generator.steps,
      entities: this.store.entities.size,
      journeysCreated: this.generator.journeysCreated,
      activeJourneys: this.generator.activeJourneys,
      exhausted: this.generator.exhausted,
      burst: this.burstStatus(),
    };
  }

  start(): void {
    if (this.timer) return;
    const tick = () => {
      if (!this.generator.step()) {
        this.timer = null;
        this.logger.log('Generator exhausted: every journey has finished');
        return;
      }
      this.timer = this.clock.after(this.env.SIM_STEP_INTERVAL_MS, tick);
    };
    this.timer = this.clock.after(this.env.SIM_STEP_INTERVAL_MS, tick);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  /** Runs `count` steps now; returns how many notifications they emitted. */
  step(count: number): number {
    const before = this.bus.emitted;
    for (let i = 0; i < count && this.generator.step(); i++);
    return this.bus.emitted - before;
  }

  /**
   * A bulk operation: `count` notifications as fast as the webhooks take them (generation pauses
   * while more than SIM_BURST_HIGH_WATER wait for an enabled webhook, which bounds memory).
   */
  burst(kind: BurstKind, count: number): BurstStatus {
    if (this.burstState?.running) return this.burstStatus() as BurstStatus;
    const started = this.clock.wallNow();
    this.burstStarted = started;
    const state: BurstStatus = {
      kind,
      requested: count,
      emitted: 0,
      running: true,
      stoppedBecause: null,
      elapsedMs: 0,
    };
    this.burstState = state;
    this.burstStop = false;
    const cause = this.bus.nextCommandId();
    const run = async () => {
      while (state.emitted < count) {
        if (this.burstStop) return 'stopped' as const;
        await this.webhooks.whenBacklogBelow(this.env.SIM_BURST_HIGH_WATER);
        const before = this.bus.emitted;
        const target = Math.min(count, state.emitted + CHUNK);
        while (this.bus.emitted - before + state.emitted < target) {
          if (kind === 'migration') this.generator.migrationStep(cause);
          else if (!this.generator.step()) {
            state.emitted += this.bus.emitted - before;
            return 'exhausted' as const;
          }
        }
        state.emitted += this.bus.emitted - before;
        await nextTick();
      }
      return 'done' as const;
    };
    void run().then((why) => {
      state.running = false;
      state.stoppedBecause = why;
      state.elapsedMs = this.clock.wallNow() - started;
      this.logger.log(`Burst ${kind} ${why}: ${state.emitted} notifications in ${state.elapsedMs} ms`);
    });
    return this.burstStatus() as BurstStatus;
  }

  stopBurst(): void {
    this.burstStop = true;
  }

  burstStatus(): BurstStatus | null {
    if (!this.burstState) return null;
    const s = { ...this.burstState };
    if (s.running) s.elapsedMs = this.clock.wallNow() - this.burstStarted;
    return s;
  }

  reset(seed: string): void {
    this.stop();
    this.burstStop = true;
    this.seed = seed;
    this.generator = this.create();
    this.burstState = null;
  }

  private create(): ActivityGenerator {
    return new ActivityGenerator(
      {
        seed: this.seed,
        entities: this.env.SIM_ENTITIES,
        journeys: this.env.SIM_JOURNEYS,
        maxJourneys: this.env.SIM_MAX_JOURNEYS,
        associationUrl: this.env.SIM_ASSOCIATION_URL,
      },
      this.store,
      this.bus,
      this.clock,
    );
  }
}
