import { FenxClient, fenxClientSettings } from '@fenx/fenx-client';
import { SimulatorControl, SIMULATOR_DEFAULTS } from '@fenx/testing';
import type { PlannedFault } from './plan';
import type { SoakStack } from './soak-stack';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Turns the simulator's webhook off and on, as FenX's admin API would. */
export async function webhookSwitch(
  simulatorUrl: string,
  webhookId: string,
  radarUrl: string,
): Promise<(enabled: boolean) => Promise<unknown>> {
  const fenx = new FenxClient(
    fenxClientSettings({
      baseUrl: simulatorUrl,
      tenantId: SIMULATOR_DEFAULTS.tenantId,
      clientId: SIMULATOR_DEFAULTS.clientId,
      clientSecret: SIMULATOR_DEFAULTS.clientSecret,
    }),
  );
  const webhook = (await fenx.listWebhooks()).find((w) => w.id === webhookId);
  return (enabled: boolean) =>
    fenx.updateWebhook(webhookId, {
      name: webhook?.name ?? 'fenx-pipeline',
      url: webhook?.url ?? `${radarUrl}/webhooks/fenx`,
      eventTypes: webhook?.eventTypes ?? ['*'],
      enabled,
    });
}

export interface FaultContext {
  stack: SoakStack;
  control: SimulatorControl;
  webhookId: string;
  setWebhookEnabled: (enabled: boolean) => Promise<unknown>;
}

/** Injects one fault, waits its duration and undoes it; resolves with a note for the report. */
export async function executeFault(f: PlannedFault, ctx: FaultContext): Promise<string | undefined> {
  const { stack, control } = ctx;
  switch (f.kind) {
    case 'broker-down':
      await stack.broker.kill(f.broker ?? 1);
      await sleep(f.forMs);
      await stack.broker.restart(f.broker ?? 1);
      return `broker ${f.broker} killed (SIGKILL), restarted`;
    case 'broker-pause':
      stack.broker.pause(f.broker ?? 1);
      await sleep(f.forMs);
      stack.broker.resume(f.broker ?? 1);
      return `broker ${f.broker} frozen (SIGSTOP), resumed`;
    case 'radar-restart':
      return stack.restart('radar', 'SIGTERM', f.forMs);
    case 'journey-extractor-kill':
      return stack.restart('journey-extractor', 'SIGKILL', f.forMs);
    case 'entity-extractor-kill':
      return stack.restart('entity-extractor', 'SIGKILL', f.forMs);
    case 'lake-sink-kill':
      return stack.restart('lake-sink', 'SIGKILL', f.forMs);
    case 'fenx-5xx-storm':
      await control.setFaults({ errorRate: 0.5 });
      await sleep(f.forMs);
      await control.setFaults({ errorRate: 0 });
      return undefined;
    case 'fenx-429-storm':
      await control.setFaults({ rateLimit: { perSecond: 5, burst: 5 } });
      await sleep(f.forMs);
      await control.setFaults({ rateLimitPreset: 'production' });
      return undefined;
    case 'webhook-disabled':
      await ctx.setWebhookEnabled(false);
      await sleep(f.forMs);
      await ctx.setWebhookEnabled(true);
      return `webhook ${ctx.webhookId}`;
  }
}

export interface FaultRecord extends PlannedFault {
  startedAt: number;
  endedAt: number;
  note?: string;
}

/** When the faults run and where they are recorded. */
export interface FaultSchedule {
  /** The planned moments count from here (when the bursts started). */
  burstStarted: number;
  /** True once the run is over: a fault not started yet is skipped. */
  over: () => boolean;
  /** Each fault is added here once undone. */
  done: FaultRecord[];
  log: (line: string) => void;
}

/** Runs each planned fault at its moment; one promise per fault, resolved once it was undone (or skipped). */
export function scheduleFaults(
  plan: PlannedFault[],
  ctx: FaultContext,
  schedule: FaultSchedule,
): Promise<void>[] {
  const { burstStarted } = schedule;
  return plan.map(async (f) => {
    await sleep(Math.max(0, burstStarted + f.atMs - Date.now()));
    if (schedule.over()) return;
    const startedAt = Date.now() - burstStarted;
    const note = await executeFault(f, ctx).catch((e: Error) => `failed: ${e.message}`);
    schedule.done.push({ ...f, startedAt, endedAt: Date.now() - burstStarted, note });
    schedule.log(`fault ${f.kind} ${startedAt}..${Date.now() - burstStarted} ms ${note ?? ''}`);
  });
}
