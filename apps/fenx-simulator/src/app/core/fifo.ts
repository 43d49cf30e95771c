/** An array-backed queue with O(1) amortized push/shift and put-back at the head. */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  take(max: number): T[] {
    const out = this.items.slice(this.head, this.head + max);
    this.head += out.length;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  /** Puts items back in front, keeping their order (a failed or interrupted delivery). */
  putBack(items: readonly T[]): void {
    this.items = [...items, ...this.items.slice(this.head)];
    this.head = 0;
  }

  /** Restores an order after several put-backs (rare: disabling with requests in flight). */
  sort(compare: (a: T, b: T) => number): void {
    this.items = this.items.slice(this.head).sort(compare);
    this.head = 0;
  }

  /** Drops the oldest items beyond `limit`; returns how many. */
  trimTo(limit: number): number {
    const excess = this.length - limit;
    if (excess <= 0) return 0;
    this.take(excess);
    return excess;
  }

  peekAll(): T[] {
    return this.items.slice(this.head);
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
