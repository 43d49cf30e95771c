// `npm start -- [options]`: the knobs of the local stack.
import { Command } from 'commander';
import { decimal } from '@fenx/cli';

export interface LocalOptions {
  /** Simulated tenant actions per second (create an entity, start a journey, move a task…). */
  rate: number;
  /** Stop the stack after this many minutes; undefined: run until Ctrl-C. */
  duration?: number;
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
    .action(action);
}

/** The simulator's settings for an activity rate: one generator step per 1000/rate ms on its real-time clock. */
export function simulatorActivityEnv(rate: number): Record<string, string> {
  return {
    SIM_TIME_SCALE: '1',
    SIM_STEP_INTERVAL_MS: String(Math.max(1, Math.round(1000 / rate))),
  };
}
