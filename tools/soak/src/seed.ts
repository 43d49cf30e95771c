/** The variable that replays a soak seed (the short soak in CI draws one per run otherwise). */
export const SOAK_SEED_VARIABLE = 'SOAK_SEED';

/**
 * The seed of a soak run: `SOAK_SEED` when set (a whole number, or a clear error naming it), else one
 * drawn at random for this run.
 */
export function soakSeed(
  env: Record<string, string | undefined>,
  random: () => number = Math.random,
): { value: number; drawn: boolean } {
  const raw = env[SOAK_SEED_VARIABLE]?.trim();
  if (raw === undefined || raw === '') return { value: Math.floor(random() * 2 ** 31), drawn: true };
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${SOAK_SEED_VARIABLE} must be a whole number of at least 0, got "${raw}"`);
  return { value, drawn: false };
}
