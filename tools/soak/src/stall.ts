/** One look at a part of the pipeline: what waits at its input, and a count that grows as it works. */
export interface ComponentSample {
  /** The app (radar, journey-extractor, entity-extractor, lake-sink). */
  component: string;
  /** What feeds it (`webhook deliveries`, `topic 1`, `detail topics`). */
  input: string;
  /** What waits at its input (null: not known this time). */
  lag: number | null;
  /** Grows whenever it moves on: records stored, offsets committed (null: not known this time). */
  progress: number | null;
}

/** A part that had input waiting and moved on for none of it for the stall time. */
export interface Stall {
  component: string;
  input: string;
  lag: number;
  /** Since the last time it moved on or had nothing to do. */
  forMs: number;
  progress: number;
}

/**
 * Finds the first part of the pipeline that stopped: input waiting (lag > 0) and its progress count
 * unchanged for `afterMs`. A part with nothing to do is never stalled; an unknown sample neither
 * starts nor stops the clock.
 */
export class StallDetector {
  private readonly parts = new Map<string, { progress: number; movedAt: number }>();

  constructor(private readonly afterMs: number) {}

  observe(atMs: number, samples: ComponentSample[]): Stall | undefined {
    let stall: Stall | undefined;
    for (const s of samples) {
      if (s.lag === null || s.progress === null) continue;
      const before = this.parts.get(s.component);
      if (!before || s.progress !== before.progress || s.lag === 0) {
        this.parts.set(s.component, { progress: s.progress, movedAt: atMs });
        continue;
      }
      const forMs = atMs - before.movedAt;
      if (forMs >= this.afterMs && (!stall || forMs > stall.forMs))
        stall = { component: s.component, input: s.input, lag: s.lag, forMs, progress: s.progress };
    }
    return stall;
  }
}

/** Thrown into the run when a part stalled: the run fails fast, naming the part. */
export class StalledError extends Error {
  constructor(readonly stall: Stall & { crashes: number }) {
    super(
      `${stall.component} stopped progressing: ${stall.lag} records of ${stall.input} wait and it moved on for none of them in ${Math.round(stall.forMs / 1000)} s (${stall.crashes} crashes of it so far)`,
    );
  }
}
