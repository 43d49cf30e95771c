import { FenxClient, Webhook, WebhookStatus } from '@fenx/fenx-client';
import { metricName, pushMetrics } from '@fenx/metrics';
import { Gauge, Registry } from 'prom-client';

const APP = 'fenx-admin';

/** The Pushgateway job of `webhooks watch` (the alerts select it). */
export const WEBHOOK_WATCH_JOB = 'fenx-webhook-status';

/** FenX's webhook statuses; one series each, 1 for the current one. */
export const WEBHOOK_STATUSES = ['Enabled', 'Retrying', 'SystemDisabled', 'UserDisabled'] as const;

export interface WatchedWebhook {
  id: string;
  name: string;
  status: WebhookStatus | 'unknown';
  lastDelivery?: { when?: string; status?: string; httpStatusCode?: number };
}

/** Every webhook of the tenant with its own GET (list items carry no delivery history). */
export async function readWebhooks(fenx: FenxClient): Promise<Webhook[]> {
  const listed = await fenx.listWebhooks();
  const hooks: Webhook[] = [];
  // One at a time: at most 10 webhooks per tenant, and the calls share the tenant's rate limit.
  for (const w of listed) {
    const one = await fenx.getWebhook(w.id);
    if (one.status === 'ok') hooks.push(one.webhook);
  }
  return hooks;
}

/** The newest delivery of a webhook (FenX lists the last 20, in no documented order). */
function newest(w: Webhook): WatchedWebhook['lastDelivery'] {
  const deliveries = [...(w.lastDeliveries ?? [])];
  if (deliveries.length === 0) return undefined;
  deliveries.sort((a, b) => (Date.parse(a.when ?? '') || 0) - (Date.parse(b.when ?? '') || 0));
  const d = deliveries[deliveries.length - 1];
  return { when: d.when, status: d.status, httpStatusCode: d.httpStatusCode };
}

export function watched(hooks: Webhook[]): WatchedWebhook[] {
  return hooks.map((w) => ({
    id: w.id,
    name: w.name ?? '',
    status: (w.status as WebhookStatus | undefined) ?? 'unknown',
    lastDelivery: newest(w),
  }));
}

/**
 * The check as metrics, in a registry of its own: per webhook its status (one series per status, 1
 * for the current one), its newest delivery's outcome and time; for the check, when it ran and
 * whether FenX answered.
 */
export function webhookMetrics(hooks: WatchedWebhook[] | undefined, now = Date.now()): Registry {
  const registry = new Registry();
  new Gauge({
    name: metricName(APP, 'webhook', 'check_timestamp', 'seconds'),
    help: 'When `fenx-admin webhooks watch` last ran',
    registers: [registry],
  }).set(now / 1000);
  new Gauge({
    name: metricName(APP, 'webhook', 'check', 'success'),
    help: 'Whether FenX answered the last `fenx-admin webhooks watch` (1) or not (0)',
    registers: [registry],
  }).set(hooks ? 1 : 0);
  // A failed check carries no webhook families: pushed, even empty ones would replace the last statuses.
  if (!hooks) return registry;
  const status = new Gauge({
    name: metricName(APP, 'webhook', 'status', 'current'),
    help: "A FenX webhook's status: 1 for the current one (Enabled, Retrying, SystemDisabled, UserDisabled)",
    labelNames: ['webhook_id', 'name', 'status'],
    registers: [registry],
  });
  const delivered = new Gauge({
    name: metricName(APP, 'webhook', 'last_delivery', 'successful'),
    help: "1 when the webhook's newest delivery was Successful, 0 when it Failed or TimedOut",
    labelNames: ['webhook_id', 'name'],
    registers: [registry],
  });
  const deliveredAt = new Gauge({
    name: metricName(APP, 'webhook', 'last_delivery_timestamp', 'seconds'),
    help: "When the webhook's newest delivery was made (FenX's clock)",
    labelNames: ['webhook_id', 'name'],
    registers: [registry],
  });
  for (const w of hooks) {
    const labels = { webhook_id: w.id, name: w.name };
    for (const s of WEBHOOK_STATUSES) status.set({ ...labels, status: s }, w.status === s ? 1 : 0);
    if (!(WEBHOOK_STATUSES as readonly string[]).includes(w.status))
      status.set({ ...labels, status: w.status }, 1);
    const d = w.lastDelivery;
    if (d?.status) delivered.set(labels, d.status === 'Successful' ? 1 : 0);
    const at = d?.when ? Date.parse(d.when) : NaN;
    if (Number.isFinite(at)) deliveredAt.set(labels, at / 1000);
  }
  return registry;
}

/**
 * Pushes a check to the Pushgateway. One that read FenX replaces the last push (a webhook deleted
 * since leaves no series); one that could not only adds its time and failure, so the webhooks' last
 * known statuses (and their alerts) stay.
 */
export function pushWebhookMetrics(gatewayUrl: string, hooks: WatchedWebhook[] | undefined): Promise<void> {
  return pushMetrics(gatewayUrl, WEBHOOK_WATCH_JOB, {}, webhookMetrics(hooks), {
    replace: hooks !== undefined,
  });
}
