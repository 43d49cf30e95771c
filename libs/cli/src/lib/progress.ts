import { Presets, SingleBar } from 'cli-progress';

/** Where progress goes: a terminal gets a bar, anything else one JSON line now and then. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  /** What is being done, e.g. `lake replay`. */
  label: string;
  /** What is counted, e.g. `records` (default `items`). */
  unit?: string;
  /** How many there are, when known (else the bar shows counts and rate only). */
  total?: number;
  /** Default: process.stderr. */
  stream?: ProgressStream;
  /** Not a TTY: the least time between two JSON lines (default 10 s). */
  intervalMs?: number;
  /** The clock (tests give their own). */
  now?: () => number;
  /** false: nothing is shown at all. */
  enabled?: boolean;
}

/** What one progress line says (the non-TTY JSON line carries it under `progress`). */
export interface ProgressState {
  label: string;
  unit: string;
  done: number;
  total?: number;
  /** Per second, over the whole run so far. */
  rate: number;
  /** Seconds left at that rate (with a total and a rate). */
  etaSeconds?: number;
  elapsedSeconds: number;
  finished: boolean;
  /** Anything the job adds (a phase, counts per topic...). */
  [key: string]: unknown;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Progress of a long job with cli-progress: counts, rate and ETA as a bar on a TTY; on anything else (a log
 * file, a CI job, a pipe) one line of JSON at start, at most every `intervalMs` while it runs and at the end,
 * so that a non-interactive run still says where it is.
 */
export class Progress {
  private readonly unit: string;
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly enabled: boolean;
  private readonly started: number;
  private total?: number;
  private done = 0;
  private extra: Record<string, unknown> = {};
  private lastLine = -Infinity;
  private bar?: SingleBar;
  private finished = false;

  constructor(private readonly options: ProgressOptions) {
    this.unit = options.unit ?? 'items';
    this.stream = options.stream ?? process.stderr;
    this.now = options.now ?? Date.now;
    this.intervalMs = options.intervalMs ?? 10_000;
    this.enabled = options.enabled ?? true;
    this.total = options.total;
    this.started = this.now();
    if (!this.enabled) return;
    if (this.stream.isTTY) {
      const counts =
        this.total === undefined ? '{value} {unit}' : '[{bar}] {percentage}% | {value}/{total} {unit}';
      const eta = this.total === undefined ? '' : ' | ETA {eta_formatted}';
      this.bar = new SingleBar(
        {
          format: `${options.label} ${counts} | {rate}/s${eta}{note}`,
          stream: this.stream as NodeJS.WritableStream,
          hideCursor: false,
          etaBuffer: 50,
          // cli-progress writes nothing unless the stream is a TTY; ours is one here.
          noTTYOutput: false,
        },
        Presets.shades_classic,
      );
      this.bar.start(this.total ?? 0, 0, this.payload());
    } else this.line(true);
  }

  /** The state now (what the JSON line says). */
  state(): ProgressState {
    const elapsedSeconds = (this.now() - this.started) / 1000;
    const rate = elapsedSeconds > 0 ? this.done / elapsedSeconds : 0;
    const left = this.total === undefined ? undefined : Math.max(0, this.total - this.done);
    return {
      ...this.extra,
      label: this.options.label,
      unit: this.unit,
      done: this.done,
      ...(this.total === undefined ? {} : { total: this.total }),
      rate: round(rate),
      ...(left !== undefined && rate > 0 ? { etaSeconds: Math.ceil(left / rate) } : {}),
      elapsedSeconds: round(elapsedSeconds),
      finished: this.finished,
    };
  }

  /** Sets the count done so far (and anything to show beside it). */
  update(done: number, extra?: Record<string, unknown>): void {
    this.done = done;
    if (extra) this.extra = { ...this.extra, ...extra };
    this.show();
  }

  /** Adds to the count done. */
  increment(by = 1, extra?: Record<string, unknown>): void {
    this.update(this.done + by, extra);
  }

  /** The total became known or changed. */
  setTotal(total: number): void {
    this.total = total;
    this.bar?.setTotal(total);
    this.show();
  }

  /** The job ended: the bar is completed, or a last JSON line written. */
  stop(extra?: Record<string, unknown>): void {
    if (this.finished) return;
    if (extra) this.extra = { ...this.extra, ...extra };
    this.finished = true;
    if (!this.enabled) return;
    if (this.bar) {
      this.bar.update(this.done, this.payload());
      this.bar.stop();
    } else this.line(true);
  }

  private payload(): Record<string, unknown> {
    const s = this.state();
    const note = Object.entries(this.extra)
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(' ');
    return { unit: this.unit, rate: s.rate, note: note ? ` | ${note}` : '' };
  }

  private show(): void {
    if (!this.enabled || this.finished) return;
    if (this.bar) this.bar.update(this.done, this.payload());
    else this.line(false);
  }

  private line(force: boolean): void {
    const at = this.now();
    if (!force && at - this.lastLine < this.intervalMs) return;
    this.lastLine = at;
    const s = this.state();
    const of = s.total === undefined ? '' : `/${s.total}`;
    const eta = s.etaSeconds === undefined ? '' : `, ETA ${s.etaSeconds} s`;
    this.stream.write(
      `${JSON.stringify({
        '@timestamp': new Date(at).toISOString(),
        'log.level': 'info',
        message: `${s.label}: ${s.done}${of} ${s.unit}, ${s.rate}/s${eta}${s.finished ? ', done' : ''}`,
        progress: s,
      })}\n`,
    );
  }
}
