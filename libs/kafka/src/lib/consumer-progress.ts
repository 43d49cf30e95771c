/** A partition that has records to process and did not move on for a while. */
export interface Stall {
  topic: string;
  partition: number;
  /** Records behind the partition's end. */
  lag: number;
  /** Since when (ms since the epoch) the partition has had records to process and committed none. */
  since: number;
  /** How long that is, in milliseconds. */
  forMs: number;
}

/** Where a consumer's topic stands at one moment. */
export interface ProgressSnapshot {
  topic: string;
  /** Records behind the ends seen by the last fetches, summed over the assigned partitions. */
  lag: number;
  /**
   * The last moment (ms since the epoch) the consumer was known to move on: the oldest last commit of
   * a partition that has records to process, or now when none has (nothing to do is not a stall).
   */
  lastProgressAt: number;
  /** The partition that has waited longest, when it waited at least the stall time. */
  stalled?: Stall;
}

interface PartitionState {
  /** The next offset to read as committed (or, before any commit, where reading started). */
  next?: bigint;
  /** The partition's end as the last fetch saw it. */
  high?: bigint;
  /** Since when the partition has had records to process without a commit (or its last commit). */
  since: number;
}

/**
 * The progress of one consumer on one topic: for every assigned partition its committed position,
 * its end as the fetches see it, and since when it has waited with records to process. Consumers
 * feed it (`fetched`, `committed`, `assigned`); apps read `snapshot()` for readiness and the
 * "last progress" gauge. A partition counts as stalled when it has lag and committed nothing for
 * the stall time; a caught-up partition never does.
 */
export class ConsumerProgress {
  private readonly partitions = new Map<number, PartitionState>();

  constructor(
    readonly topic: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The partitions this member owns after a join; the others are forgotten. */
  assigned(partitions: number[]): void {
    const owned = new Set(partitions);
    for (const p of [...this.partitions.keys()]) if (!owned.has(p)) this.partitions.delete(p);
    for (const p of partitions) if (!this.partitions.has(p)) this.partitions.set(p, { since: this.now() });
  }

  /**
   * A fetch of `partition` returned records from `firstOffset`, with the partition's end at
   * `highWatermark`. Before any commit is known, reading started at `firstOffset`.
   */
  fetched(partition: number, highWatermark: bigint, firstOffset?: bigint): void {
    const s = this.state(partition);
    const hadLag = this.lagOf(s) > 0;
    if (s.next === undefined && firstOffset !== undefined) s.next = firstOffset;
    s.high = s.high === undefined || highWatermark > s.high ? highWatermark : s.high;
    // Work arrived at a partition that had none: the wait starts now.
    if (!hadLag && this.lagOf(s) > 0) s.since = this.now();
  }

  /** Offsets up to `next` (the next to read) are committed. */
  committed(partition: number, next: bigint): void {
    const s = this.state(partition);
    if (s.next !== undefined && next <= s.next) return;
    s.next = next;
    if (s.high === undefined || next > s.high) s.high = next;
    s.since = this.now();
  }

  /**
   * The brokers' view of an assigned partition (read by `GroupLagProbe`): its end, and where the group
   * stands on it (its commit, or the log start). It shows the lag of a partition that no fetch reports,
   * e.g. of a consumer whose fetches never complete; a partition this member does not own is ignored.
   */
  observedEnd(partition: number, highWatermark: bigint, groupNext: bigint): void {
    const s = this.partitions.get(partition);
    if (!s) return;
    const hadLag = this.lagOf(s) > 0;
    if (s.next === undefined) s.next = groupNext;
    if (s.high === undefined || highWatermark > s.high) s.high = highWatermark;
    if (!hadLag && this.lagOf(s) > 0) s.since = this.now();
  }

  /** Records behind the ends seen, over the assigned partitions. */
  get lag(): number {
    let n = 0;
    for (const s of this.partitions.values()) n += this.lagOf(s);
    return n;
  }

  /** The topic's lag, last progress and, if one has waited `stallAfterMs` or more, its longest stall. */
  snapshot(stallAfterMs: number): ProgressSnapshot {
    const now = this.now();
    let lag = 0;
    let oldest: { partition: number; lag: number; since: number } | undefined;
    for (const [partition, s] of this.partitions) {
      const l = this.lagOf(s);
      lag += l;
      if (l > 0 && (!oldest || s.since < oldest.since)) oldest = { partition, lag: l, since: s.since };
    }
    const stalled =
      oldest && now - oldest.since >= stallAfterMs
        ? { topic: this.topic, ...oldest, forMs: now - oldest.since }
        : undefined;
    return { topic: this.topic, lag, lastProgressAt: oldest?.since ?? now, ...(stalled ? { stalled } : {}) };
  }

  private state(partition: number): PartitionState {
    let s = this.partitions.get(partition);
    if (!s) {
      s = { since: this.now() };
      this.partitions.set(partition, s);
    }
    return s;
  }

  private lagOf(s: PartitionState): number {
    if (s.high === undefined || s.next === undefined) return 0;
    return Math.max(0, Number(s.high - s.next));
  }
}

export interface ProgressWatchOptions {
  /** A partition with lag that committed nothing for this long is stalled. */
  stallAfterMs: number;
  /** How often the consumers are looked at (default a tenth of the stall time, 1 s to 15 s). */
  everyMs?: number;
  /** Every look, for every topic (gauges). */
  observed?(snapshot: ProgressSnapshot): void;
  /** Once when a topic becomes stalled (a log line). */
  stalled?(stall: Stall): void;
  /** Once when a stalled topic moves on again. */
  recovered?(topic: string): void;
  /**
   * A stall that lasts this long is given up on (unset or 0: never): `gaveUp` is called once, and
   * the app exits so that its orchestrator starts it afresh. Longer than `stallAfterMs`.
   */
  giveUpAfterMs?: number;
  /** Once per stall, when it has lasted `giveUpAfterMs`. */
  gaveUp?(stall: Stall): void;
  /**
   * Called before every look, not awaited (one at a time): feeds the consumers' progress from
   * elsewhere, e.g. `GroupLagProbe.feed` with the brokers' ends. A refresh that fails is skipped.
   */
  refresh?(): Promise<void>;
}

/**
 * Looks at consumers' progress at an interval: reports each topic's snapshot, a stall once when it
 * starts and once when it ends, and once when it has lasted long enough to give up on. `stalled` is
 * what readiness reads.
 */
export class ProgressWatch {
  private timer?: ReturnType<typeof setInterval>;
  private readonly stalls = new Map<string, Stall>();
  private readonly givenUp = new Set<string>();
  private refreshing = false;

  constructor(
    private readonly sources: () => ConsumerProgress[],
    private readonly options: ProgressWatchOptions,
  ) {
    const { giveUpAfterMs, stallAfterMs } = options;
    if (giveUpAfterMs && giveUpAfterMs <= stallAfterMs)
      throw new Error(
        `giveUpAfterMs (${giveUpAfterMs}) must be longer than stallAfterMs (${stallAfterMs}): a consumer is not ready before it is given up on`,
      );
  }

  start(): void {
    if (this.timer) return;
    const every =
      this.options.everyMs ?? Math.min(15000, Math.max(1000, Math.round(this.options.stallAfterMs / 10)));
    this.timer = setInterval(() => this.tick(), every);
    this.timer.unref?.();
    this.tick();
  }

  private tick(): void {
    const refresh = this.options.refresh;
    if (refresh && !this.refreshing) {
      this.refreshing = true;
      // A failed refresh (brokers unreachable) leaves the fetches' view; the consumers report the outage.
      refresh()
        .catch(() => undefined)
        .finally(() => {
          this.refreshing = false;
        });
    }
    this.look();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The stalls seen by the last look (empty: every consumer progresses or has nothing to do). */
  get stalled(): Stall[] {
    return [...this.stalls.values()];
  }

  /** Looks at every consumer now (the interval does it too). */
  look(): ProgressSnapshot[] {
    const snapshots = this.sources().map((p) => p.snapshot(this.options.stallAfterMs));
    for (const s of snapshots) {
      this.options.observed?.(s);
      const before = this.stalls.get(s.topic);
      if (s.stalled) {
        this.stalls.set(s.topic, s.stalled);
        if (!before) this.options.stalled?.(s.stalled);
        const giveUpAfterMs = this.options.giveUpAfterMs;
        if (giveUpAfterMs && s.stalled.forMs >= giveUpAfterMs && !this.givenUp.has(s.topic)) {
          this.givenUp.add(s.topic);
          this.options.gaveUp?.(s.stalled);
        }
      } else if (before) {
        this.stalls.delete(s.topic);
        this.givenUp.delete(s.topic);
        this.options.recovered?.(s.topic);
      }
    }
    return snapshots;
  }
}
