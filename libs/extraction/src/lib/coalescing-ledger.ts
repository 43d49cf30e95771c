/**
 * The backlog-wide pending set of an extractor: topic-1 events read ahead of the API, grouped by
 * aggregate key, so that each key is fetched once however its events are spread over the backlog.
 *
 * The commit rule: a partition is committed only up to its lowest offset whose key has not been
 * fetched since that event was read. A fetch covers the events of its key read before it started;
 * an event read while its key's fetch is in flight waits for the next fetch of the key.
 *
 * Pure bookkeeping (no Kafka, no clock): the consumer feeds it, takes keys to fetch, and commits
 * what `committable()` says.
 */

export interface LedgerLimits {
  /** Distinct keys held (pending or in flight) before `full` is true. */
  maxKeys: number;
  /** Bytes of held events before `full` is true. */
  maxBytes: number;
  /**
   * Events read and not yet committable before `full` is true (default: no bound). Bounds what a
   * crash makes the consumer read and fetch again, and the offsets kept for the commit rule.
   */
  maxUncommitted?: number;
}

interface Held<E> {
  partition: number;
  offset: bigint;
  event: E;
  bytes: number;
  /** Read order across partitions. */
  seq: number;
}

/** Events of one key taken for one fetch. */
export interface LedgerTake<E> {
  readonly key: string;
  readonly events: readonly Held<E>[];
}

interface PartitionTrack {
  /** The next offset after the highest read. */
  readUpTo: bigint;
  /** Offsets read and not yet covered, in read order (ascending). */
  outstanding: bigint[];
  /** Index of the first entry of `outstanding` not yet popped. */
  head: number;
  /** Covered offsets still present in `outstanding` after `head`. */
  covered: Set<bigint>;
}

export class CoalescingLedger<E> {
  /** Keys waiting for a fetch, in the order of their oldest pending event (Map insertion order). */
  private pendingKeys = new Map<string, Held<E>[]>();
  /** Keys whose fetch is in flight. */
  private readonly inFlight = new Map<string, LedgerTake<E>>();
  private readonly partitions = new Map<number, PartitionTrack>();
  private heldBytes = 0;
  private seq = 0;

  constructor(private readonly limits: LedgerLimits) {
    if (!(limits.maxKeys >= 1) || !(limits.maxBytes >= 1))
      throw new RangeError(
        `the pending set needs maxKeys >= 1 and maxBytes >= 1 (got ${limits.maxKeys}, ${limits.maxBytes})`,
      );
  }

  /** True when reading must stop (pause) until fetches make room. */
  get full(): boolean {
    return (
      this.pendingKeys.size + this.inFlight.size >= this.limits.maxKeys ||
      this.heldBytes >= this.limits.maxBytes ||
      (this.limits.maxUncommitted !== undefined && this.uncommitted >= this.limits.maxUncommitted)
    );
  }

  /** Events read that the commit has not passed yet (covered or not). */
  get uncommitted(): number {
    let n = 0;
    for (const track of this.partitions.values()) {
      this.advance(track);
      n += track.outstanding.length - track.head;
    }
    return n;
  }

  get pendingCount(): number {
    return this.pendingKeys.size;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  /** True when nothing is pending or in flight. */
  get idle(): boolean {
    return this.pendingKeys.size === 0 && this.inFlight.size === 0;
  }

  /** Partitions with something read. */
  get trackedPartitions(): number[] {
    return [...this.partitions.keys()];
  }

  /**
   * Starts tracking a partition at `offset` (its committed position). Offsets are read in order from
   * there; one read below `readUpTo` (a redelivery) is ignored.
   */
  track(partition: number, offset: bigint): void {
    if (!this.partitions.has(partition))
      this.partitions.set(partition, { readUpTo: offset, outstanding: [], head: 0, covered: new Set() });
  }

  /** An event of `key` read at `partition`/`offset`. Returns false for an offset read before. */
  add(partition: number, offset: bigint, key: string, event: E, bytes: number): boolean {
    const track = this.trackOf(partition, offset);
    if (offset < track.readUpTo) return false;
    track.readUpTo = offset + 1n;
    track.outstanding.push(offset);
    const held: Held<E> = { partition, offset, event, bytes, seq: this.seq++ };
    this.heldBytes += bytes;
    const list = this.pendingKeys.get(key);
    if (list) list.push(held);
    else this.pendingKeys.set(key, [held]);
    return true;
  }

  /** A record that needs no fetch (not this extractor's): only moves the read position. */
  skip(partition: number, offset: bigint): boolean {
    const track = this.trackOf(partition, offset);
    if (offset < track.readUpTo) return false;
    track.readUpTo = offset + 1n;
    return true;
  }

  /** Takes up to `n` pending keys, oldest pending event first, and marks them in flight. */
  take(n: number): LedgerTake<E>[] {
    const out: LedgerTake<E>[] = [];
    for (const [key, events] of this.pendingKeys) {
      if (out.length >= n) break;
      if (this.inFlight.has(key)) continue;
      const take: LedgerTake<E> = { key, events };
      this.pendingKeys.delete(key);
      this.inFlight.set(key, take);
      out.push(take);
    }
    return out;
  }

  /** The fetch of `take` succeeded (its output acknowledged): its events are covered. */
  done(take: LedgerTake<E>): void {
    if (this.inFlight.get(take.key) !== take) return;
    this.inFlight.delete(take.key);
    for (const held of take.events) {
      this.heldBytes -= held.bytes;
      const track = this.partitions.get(held.partition);
      if (track) track.covered.add(held.offset);
    }
  }

  /**
   * The fetch of `take` did not complete (e.g. Kafka refused its output): its events are pending
   * again, in the place of their oldest event.
   */
  failed(take: LedgerTake<E>): void {
    if (this.inFlight.get(take.key) !== take) return;
    this.inFlight.delete(take.key);
    const events = [...take.events, ...(this.pendingKeys.get(take.key) ?? [])];
    this.pendingKeys.delete(take.key);
    const entries = [...this.pendingKeys];
    const at = entries.findIndex(([, list]) => list[0].seq > events[0].seq);
    entries.splice(at < 0 ? entries.length : at, 0, [take.key, events]);
    this.pendingKeys = new Map(entries);
  }

  /**
   * Per partition, the offset to commit (Kafka's "next offset to read"): the lowest offset not yet
   * covered, or the read position when everything read is covered.
   */
  committable(): Map<number, bigint> {
    const out = new Map<number, bigint>();
    for (const [partition, track] of this.partitions) {
      this.advance(track);
      out.set(
        partition,
        track.head < track.outstanding.length ? track.outstanding[track.head] : track.readUpTo,
      );
    }
    return out;
  }

  /**
   * Forgets everything (after a rebalance the consumer reads again from the committed offsets).
   * Fetches in flight complete without effect on the commits.
   */
  reset(): void {
    this.pendingKeys = new Map();
    this.inFlight.clear();
    this.partitions.clear();
    this.heldBytes = 0;
  }

  /** Moves a partition's head past its covered offsets. */
  private advance(track: PartitionTrack): void {
    while (track.head < track.outstanding.length && track.covered.has(track.outstanding[track.head])) {
      track.covered.delete(track.outstanding[track.head]);
      track.head++;
    }
    if (track.head > 1024 && track.head * 2 > track.outstanding.length) {
      track.outstanding = track.outstanding.slice(track.head);
      track.head = 0;
    }
  }

  private trackOf(partition: number, offset: bigint): PartitionTrack {
    let track = this.partitions.get(partition);
    if (!track) {
      track = { readUpTo: offset, outstanding: [], head: 0, covered: new Set() };
      this.partitions.set(partition, track);
    }
    return track;
  }
}
