import { Transform } from 'class-transformer';

/** Parses `true|false|1|0|yes|no` (any case); anything else is left as is so validation names it. */
export function EnvBoolean(): PropertyDecorator {
  return Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    const v = value.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(v)) return true;
    if (['false', '0', 'no'].includes(v)) return false;
    return value;
  });
}

/** Parses a decimal number; a blank or non-numeric string is left as is so validation names it. */
export function EnvNumber(): PropertyDecorator {
  return Transform(({ value }) => {
    if (typeof value !== 'string' || value.trim() === '') return value;
    const n = Number(value);
    return Number.isFinite(n) ? n : value;
  });
}

/** Splits a comma-separated list, trimming items and dropping empty ones. */
export function EnvList(): PropertyDecorator {
  return Transform(({ value }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0)
      : value,
  );
}
