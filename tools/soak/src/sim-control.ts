import type { Delivery, GroundTruth } from './ground-truth';

export interface BurstStatus {
  kind: 'migration' | 'activity';
  requested: number;
  emitted: number;
  running: boolean;
  stoppedBecause: string | null;
  elapsedMs: number;
}

/** The simulator's control API (`/_sim`): no auth, never faulted. */
export class SimControl {
  constructor(readonly url: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  groundTruth(): Promise<GroundTruth> {
    return this.call('GET', '/_sim/ground-truth?deliveryLog=false');
  }

  /** A webhook's delivery log; `dropped` counts entries beyond the simulator's log bound. */
  deliveries(webhookId: string): Promise<{ dropped: number; deliveries: Delivery[] }> {
    return this.call('GET', `/_sim/webhooks/${webhookId}/deliveries`);
  }

  startBurst(count: number, kind: 'migration' | 'activity'): Promise<unknown> {
    return this.call('POST', '/_sim/burst', { count, kind });
  }

  async burst(): Promise<BurstStatus | null> {
    return (await this.call<{ burst: BurstStatus | null }>('GET', '/_sim/burst')).burst;
  }

  setFaults(faults: Record<string, unknown>): Promise<unknown> {
    return this.call('PUT', '/_sim/faults', faults);
  }

  clearFaults(): Promise<unknown> {
    return this.call('DELETE', '/_sim/faults');
  }

  stepGenerator(count: number): Promise<unknown> {
    return this.call('POST', '/_sim/generator/step', { count });
  }

  stopGenerator(): Promise<unknown> {
    return this.call('POST', '/_sim/generator/stop');
  }
}
