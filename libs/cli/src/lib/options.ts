/**
 * Thrown by the parsers below: commander (which this lib does not load) reports an error with this code
 * as `option '--x <n>' argument 'abc' is invalid. <message>` and ends with a usage error.
 */
export class InvalidArgumentError extends Error {
  readonly code = 'commander.invalidArgument';
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidArgumentError';
  }
}

interface Range {
  min?: number;
  max?: number;
}

function inRange(n: number, { min, max }: Range): boolean {
  return (min === undefined || n >= min) && (max === undefined || n <= max);
}

function describeRange({ min, max }: Range): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  if (max !== undefined) return ` of at most ${max}`;
  return '';
}

/** A commander argument parser for a whole number in a range: `--rate <n>` with `integer({ min: 1 })`. */
export function integer(range: Range = {}): (value: string) => number {
  return (value) => {
    const n = value.trim() === '' ? NaN : Number(value);
    if (!Number.isInteger(n) || !inRange(n, range))
      throw new InvalidArgumentError(`expected a whole number${describeRange(range)}, got "${value}".`);
    return n;
  };
}

/** A commander argument parser for a finite number in a range (decimals allowed). */
export function decimal(range: Range = {}): (value: string) => number {
  return (value) => {
    const n = value.trim() === '' ? NaN : Number(value);
    if (!Number.isFinite(n) || !inRange(n, range))
      throw new InvalidArgumentError(`expected a number${describeRange(range)}, got "${value}".`);
    return n;
  };
}

/** A commander argument parser for an ISO-8601 time. */
export function isoTime(value: string): Date {
  const d = new Date(value);
  if (value.trim() === '' || Number.isNaN(d.getTime()))
    throw new InvalidArgumentError(`expected an ISO-8601 time such as 2026-01-31T00:00:00Z, got "${value}".`);
  return d;
}
