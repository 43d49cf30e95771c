import { Progress } from '@fenx/cli';
import type { SimulatorControl } from '@fenx/testing';
import type { EndStateReport } from './end-state';
import type { OutputTail, Topic1Tail } from './live-tail';
import type { SoakStack } from './soak-stack';
import { ComponentSample, StalledError, StallDetector } from './stall';
import { LakeRowCounter, TimelineSample } from './timeline';

/** One look at every part of the pipeline: a sample per part, and the topic-1 and lake lags. */
export interface PartsLook {
  samples: ComponentSample[];
  topic1Lag: number | null;
  lakeLag: number | null;
}

export interface RunMonitorOptions {
  stack: SoakStack;
  control: SimulatorControl;
  tail: Topic1Tail;
  output: OutputTail;
  /** When the bursts started: the timeline's zero. */
  burstStarted: number;
  activityEvents: number;
  migrationEvents: number;
  stallTimeoutMs: number;
  /** The faults done so far (the burst's progress shows how many). */
  faults: readonly unknown[];
  lookAtParts: () => Promise<PartsLook>;
  /** True once the run is over: the sampling stops. */
  over: () => boolean;
  intervalMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The timeline of a run and the progress of the phase running (the bursts with the faults, then the
 * convergence), sampled every `intervalMs` until the run is over; a part of the pipeline that stops
 * moving on while its input waits rejects `stalled`.
 */
export class RunMonitor {
  readonly timeline: TimelineSample[] = [];
  /** Rejects with a `StalledError` once a part stalled. */
  readonly stalled: Promise<never>;
  private readonly lakeRows: LakeRowCounter;
  private readonly stalls: StallDetector;
  private readonly loop: Promise<void>;
  private phase: Progress;
  private converging = false;
  private reject?: (e: StalledError) => void;

  constructor(private readonly o: RunMonitorOptions) {
    this.lakeRows = new LakeRowCounter(o.stack.lakeDir);
    this.phase = new Progress({
      label: 'soak burst',
      unit: 'notifications',
      total: o.activityEvents + o.migrationEvents,
      intervalMs: 30000,
    });
    this.stalls = new StallDetector(o.stallTimeoutMs);
    this.stalled = new Promise<never>((_, reject) => (this.reject = reject));
    this.stalled.catch(() => undefined);
    this.loop = (async () => {
      while (!o.over()) {
        await this.sample().catch(() => undefined);
        await sleep(o.intervalMs);
      }
    })();
  }

  /** The lake lag of the latest sample. */
  get lastLakeLag(): number | null | undefined {
    return this.timeline[this.timeline.length - 1]?.lakeLag;
  }

  /** The bursts are over: from now on the progress shown is the convergence's. */
  startConvergence(faultsDone: number): void {
    this.phase.stop({ faults: `${faultsDone} done` });
    this.converging = true;
    this.phase = new Progress({ label: 'soak convergence', unit: 'records up to date', intervalMs: 30000 });
  }

  /** The convergence's progress after one end-state check. */
  showConvergence(e: EndStateReport): void {
    const parts = [e.journeys, e.entities, e.drafts, e.lake?.journeys, e.lake?.entities];
    this.phase.setTotal(parts.reduce((n, p) => n + (p?.expected ?? 0), 0));
    this.phase.update(
      parts.reduce((n, p) => n + (p?.upToDate ?? 0), 0),
      { lost: e.lost.length },
    );
  }

  /** Ends the progress line of the phase running. */
  stopProgress(): void {
    this.phase.stop();
  }

  /** Resolves once the sampling stopped (the run is over and the sample under way is in). */
  stopped(): Promise<void> {
    return this.loop;
  }

  private async sample(): Promise<void> {
    const { control, tail, output, stack } = this.o;
    const burst = await control.burst().catch(() => null);
    const parts = await this.o.lookAtParts();
    const emitted = burst ? (burst.kind === 'migration' ? this.o.activityEvents : 0) + burst.emitted : 0;
    const sample: TimelineSample = {
      atMs: Date.now() - this.o.burstStarted,
      emitted,
      delivered: tail.ids.length,
      topic1Lag: parts.topic1Lag,
      lakeLag: parts.lakeLag,
      details: output.journeys.size + output.entities.size,
      lakeRows: this.lakeRows.count(),
    };
    this.timeline.push(sample);
    const counts = {
      delivered: sample.delivered,
      topic1Lag: sample.topic1Lag,
      lakeLag: sample.lakeLag,
      details: sample.details,
      lakeRows: sample.lakeRows,
      crashes: stack.crashes.length,
    };
    if (this.converging) this.phase.update(this.phase.state().done, counts);
    else this.phase.update(emitted, { ...counts, faults: `${this.o.faults.length} done` });
    const stall = this.stalls.observe(sample.atMs, parts.samples);
    if (stall)
      this.reject?.(new StalledError({ ...stall, crashes: stack.crashesOf(stall.component).length }));
  }
}
