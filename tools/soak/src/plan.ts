import { seededRandom } from '@fenx/fenx-client';

/** The faults a soak run injects while the burst flows through the pipeline. */
export type FaultKind =
  | 'broker-down'
  | 'broker-pause'
  | 'radar-restart'
  | 'journey-extractor-kill'
  | 'entity-extractor-kill'
  | 'fenx-5xx-storm'
  | 'fenx-429-storm'
  | 'webhook-disabled'
  | 'lake-sink-kill';

export const FAULT_KINDS: readonly FaultKind[] = [
  'broker-down',
  'broker-pause',
  'radar-restart',
  'journey-extractor-kill',
  'entity-extractor-kill',
  'fenx-5xx-storm',
  'fenx-429-storm',
  'webhook-disabled',
  'lake-sink-kill',
];

export interface PlannedFault {
  kind: FaultKind;
  /** Milliseconds after the burst started. */
  atMs: number;
  /** How long the fault lasts before it is undone (restart, broker up, storm cleared). */
  forMs: number;
  /** For broker faults (SIGKILL then restart; SIGSTOP then SIGCONT): the broker id (1-based). */
  broker?: number;
}

export interface PlanOptions {
  seed: number;
  /** The window in which faults start. */
  windowMs: number;
  /** Each kind at least once; more faults are drawn at random among the kinds. */
  kinds?: readonly FaultKind[];
  extra?: number;
  brokers?: number;
  /** Bounds of a fault's duration. */
  minForMs?: number;
  maxForMs?: number;
  /**
   * Time kept free after a fault before the next one on the same target starts (an app restarted
   * needs it to be ready again). Default 15 s.
   */
  gapMs?: number;
}

/**
 * What a fault acts on: an app, a broker, FenX's API or the webhook. Two faults on one target never
 * overlap (a second restart of an app would race the first for its port and act on a dead process).
 */
export function faultTarget(f: Pick<PlannedFault, 'kind' | 'broker'>): string {
  switch (f.kind) {
    case 'broker-down':
    case 'broker-pause':
      return `broker-${f.broker ?? 1}`;
    case 'radar-restart':
      return 'radar';
    case 'journey-extractor-kill':
      return 'journey-extractor';
    case 'entity-extractor-kill':
      return 'entity-extractor';
    case 'lake-sink-kill':
      return 'lake-sink';
    case 'fenx-5xx-storm':
    case 'fenx-429-storm':
      return 'fenx-api';
    case 'webhook-disabled':
      return 'webhook';
  }
}

/**
 * A reproducible fault schedule: the same seed gives the same faults at the same moments. Every
 * kind occurs at least once; start times are spread over the window in random order, then a fault
 * that would start before the previous one on its target ended (plus `gapMs`) is moved to that
 * moment, which may lie past the window.
 */
export function planFaults(options: PlanOptions): PlannedFault[] {
  const random = seededRandom(options.seed);
  const kinds = options.kinds ?? FAULT_KINDS;
  const minFor = options.minForMs ?? 1000;
  const maxFor = Math.max(minFor, options.maxForMs ?? 5000);
  const brokers = options.brokers ?? 3;
  const picks = [...kinds];
  for (let i = 0; i < (options.extra ?? 0); i++) picks.push(kinds[Math.floor(random() * kinds.length)]);
  const gap = options.gapMs ?? 15000;
  const drawn = picks
    .map((kind): PlannedFault => {
      const fault: PlannedFault = {
        kind,
        atMs: Math.floor(random() * options.windowMs),
        forMs: Math.floor(minFor + random() * (maxFor - minFor)),
      };
      if (kind === 'broker-down' || kind === 'broker-pause')
        fault.broker = 1 + Math.floor(random() * brokers);
      return fault;
    })
    .sort((a, b) => a.atMs - b.atMs || a.kind.localeCompare(b.kind));
  const freeFrom = new Map<string, number>();
  for (const f of drawn) {
    const target = faultTarget(f);
    f.atMs = Math.max(f.atMs, freeFrom.get(target) ?? 0);
    freeFrom.set(target, f.atMs + f.forMs + gap);
  }
  return drawn.sort((a, b) => a.atMs - b.atMs || a.kind.localeCompare(b.kind));
}
