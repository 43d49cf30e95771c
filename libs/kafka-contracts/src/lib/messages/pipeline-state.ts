export const PIPELINE_STATE_SCHEMA = 'fenx.pipeline-state.v1';

/** One value of the state topic (key = the state's name). */
export interface StateEntry<T = unknown> {
  schema: typeof PIPELINE_STATE_SCHEMA;
  key: string;
  value: T;
  /** ISO-8601, UTC. */
  writtenAt: string;
  /** Who wrote it (app name), for operators. */
  writer: string;
}

/** A state record's entry: null for a tombstone, undefined when the value is not a state entry of that key. */
export function parseStateEntry(key: string, value: Buffer | null): StateEntry | null | undefined {
  if (value === null) return null;
  try {
    const parsed = JSON.parse(value.toString('utf8')) as Partial<StateEntry>;
    if (parsed.schema !== PIPELINE_STATE_SCHEMA || parsed.key !== key) return undefined;
    return parsed as StateEntry;
  } catch {
    return undefined;
  }
}
