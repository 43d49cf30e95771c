// `npm start -- [options]`: the knobs of the local stack.
import { Command } from 'commander';
import { decimal, InvalidArgumentError } from '@fenx/cli';

/**
 * FenX's misbehaviours the local stack can turn on (the simulator's fault settings), each one the
 * pipeline must ride out without losing an event.
 */
export const LOCAL_FAULTS = {
  'rate-limit': {
    what: "FenX's production rate limit on the query APIs (429 with Retry-After past it)",
    settings: { rateLimitPreset: 'production' },
  },
  errors: { what: '2 % of query calls answered 5xx', settings: { errorRate: 0.02 } },
  timeouts: {
    what: "1 % of query calls held 35 s, past the client's 30-s timeout",
    settings: { timeoutRate: 0.01, hangMs: 35_000 },
  },
  latency: { what: '150 ms more on every query call', settings: { latencyMs: 150 } },
  'late-data': {
    what: 'a change readable only 2 s after its webhook (FenX: "may not yet be retrievable")',
    settings: { notYetRetrievableMs: 2_000 },
  },
} as const satisfies Record<string, { what: string; settings: Record<string, unknown> }>;

export type LocalFault = keyof typeof LOCAL_FAULTS;
const FAULT_NAMES = Object.keys(LOCAL_FAULTS) as LocalFault[];

/** `--faults a,b` or `all`: the named faults, in the table's order; a name it does not know is refused. */
export function parseFaults(value: string): LocalFault[] {
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (names.length === 1 && names[0] === 'all') return [...FAULT_NAMES];
  const unknown = names.filter((n) => !(FAULT_NAMES as string[]).includes(n));
  if (unknown.length > 0 || names.length === 0)
    throw new InvalidArgumentError(
      `${unknown.length > 0 ? `unknown fault ${unknown.join(', ')}` : 'no fault named'}: give a comma-separated list of ${FAULT_NAMES.join(', ')}, or all`,
    );
  return FAULT_NAMES.filter((n) => names.includes(n));
}

/** The simulator's fault settings for a set of faults (PUT /_sim/faults). */
export function faultSettings(faults: readonly LocalFault[]): Record<string, unknown> {
  return Object.assign({}, ...faults.map((f) => LOCAL_FAULTS[f].settings));
}

export interface LocalOptions {
  /** Simulated tenant actions per second (create an entity, start a journey, move a task…). */
  rate: number;
  /** Stop the stack after this many minutes; undefined: run until Ctrl-C. */
  duration?: number;
  /** FenX faults to turn on (none by default). */
  faults: LocalFault[];
}

/** Enough activity that the lake has journeys and entities within the first minute. */
export const DEFAULT_RATE = 5;

export function localProgram(action: (o: LocalOptions) => Promise<void>): Command {
  return new Command('npm start')
    .usage('-- [options]')
    .description(
      'the whole pipeline on this machine: Apache Kafka (one KRaft node), the FenX simulator, radar, both extractors and lake-sink; the terminal shows warnings, errors and a summary a minute, .dev/logs/ has every line',
    )
    .option(
      '--rate <actions-per-second>',
      "the simulated tenant's activity: actions per second (each an entity created, a journey started, a task moved…)",
      decimal({ min: 0.01, max: 1000 }),
      DEFAULT_RATE,
    )
    .option(
      '--duration <minutes>',
      'stop the stack after this long (default: run until Ctrl-C)',
      decimal({ min: 0.1 }),
    )
    .option(
      '--faults <list>',
      `FenX misbehaving, comma-separated or all: ${FAULT_NAMES.map((n) => `${n} (${LOCAL_FAULTS[n].what})`).join('; ')}`,
      parseFaults,
      [] as LocalFault[],
    )
    .action(action);
}

/** The simulator's settings for an activity rate: one generator step per 1000/rate ms on its real-time clock. */
export function simulatorActivityEnv(rate: number): Record<string, string> {
  return {
    SIM_TIME_SCALE: '1',
    SIM_STEP_INTERVAL_MS: String(Math.max(1, Math.round(1000 / rate))),
  };
}
