import { FenxClient, Webhook, WebhookInput } from '@fenx/fenx-client';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CliError, EXIT } from './errors';
import { CliIo, json, table } from './io';
import { withFenx } from './settings';
import { pushWebhookMetrics, readWebhooks, WatchedWebhook, watched } from './webhook-watch';

function lastDelivery(w: Webhook): string {
  const d = w.lastDeliveries?.[w.lastDeliveries.length - 1];
  return d ? `${d.when ?? '?'} ${d.status ?? '?'} ${d.httpStatusCode ?? ''}`.trim() : '-';
}

async function found(fenx: FenxClient, id: string): Promise<Webhook> {
  const r = await fenx.getWebhook(id);
  if (r.status === 'not-found') throw new CliError(`No webhook with id ${id} in this tenant.`, EXIT.notFound);
  return r.webhook;
}

/** The PUT body that keeps everything of `w` (and its secret: none is sent) but `enabled`. */
function inputOf(w: Webhook, enabled: boolean): WebhookInput {
  return {
    name: w.name ?? w.id,
    url: w.url ?? '',
    enabled,
    eventTypes: w.eventTypes ?? ['*'],
    ...(w.emailAddresses ? { emailAddresses: w.emailAddresses } : {}),
    ...(w.type === 'Single' || w.type === 'Batch' ? { type: w.type as 'Single' | 'Batch' } : {}),
    ...(w.batchSize !== undefined ? { batchSize: w.batchSize } : {}),
  };
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function intIn(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
    return n;
  };
}

async function setEnabled(io: CliIo, id: string, enabled: boolean): Promise<void> {
  await withFenx(io.env, async (fenx) => {
    const before = await found(fenx, id);
    const r = await fenx.updateWebhook(id, inputOf(before, enabled));
    if (r.status === 'not-found')
      throw new CliError(`No webhook with id ${id} in this tenant.`, EXIT.notFound);
    const after = await found(fenx, id);
    io.out(
      `webhook ${id} ${enabled ? 'enabled' : 'disabled'}: ${before.status ?? '?'} -> ${after.status ?? '?'}`,
    );
    if (enabled && before.status === 'SystemDisabled')
      io.out(
        'FenX resumes delivering the queued notifications in order; watch the radar dashboard until the backlog is drained.',
      );
  });
}

export function webhooksCommand(io: CliIo): Command {
  const cmd = new Command('webhooks').description('FenX webhooks of the tenant (FENX_* settings)');

  cmd
    .command('list')
    .description('every webhook with its status and last delivery')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withFenx(io.env, async (fenx) => {
        const listed = await fenx.listWebhooks();
        // List items carry no delivery history: each webhook's own GET has it (at most 10 per tenant).
        const hooks = await Promise.all(
          listed.map(async (w) => {
            const one = await fenx.getWebhook(w.id);
            return one.status === 'ok' ? one.webhook : w;
          }),
        );
        if (opts.json) return io.out(json(hooks));
        if (hooks.length === 0) return io.out('no webhooks');
        io.out(
          table(
            ['ID', 'NAME', 'STATUS', 'ENABLED', 'URL', 'LAST DELIVERY'],
            hooks.map((w) => [
              w.id,
              w.name ?? '',
              String(w.status ?? '?'),
              String(w.enabled ?? '?'),
              w.url ?? '',
              lastDelivery(w),
            ]),
          ),
        );
      });
    });

  cmd
    .command('show')
    .description('one webhook and its last deliveries')
    .argument('<id>', 'webhook id')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withFenx(io.env, async (fenx) => {
        const w = await found(fenx, id);
        if (opts.json) return io.out(json(w));
        const { lastDeliveries: deliveries, ...fields } = w;
        io.out(
          table(
            ['FIELD', 'VALUE'],
            Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
          ),
        );
        io.out('');
        io.out(
          deliveries?.length
            ? table(
                ['WHEN', 'NOTIFICATION', 'STATUS', 'HTTP'],
                deliveries.map((d) => [
                  d.when ?? '',
                  d.notificationId ?? '',
                  d.status ?? '',
                  String(d.httpStatusCode ?? ''),
                ]),
              )
            : 'no deliveries yet',
        );
      });
    });

  cmd
    .command('enable')
    .description('enable a webhook (also one FenX disabled after failed retries)')
    .argument('<id>', 'webhook id')
    .action((id: string) => setEnabled(io, id, true));

  cmd
    .command('disable')
    .description('disable a webhook (FenX keeps queuing its notifications)')
    .argument('<id>', 'webhook id')
    .action((id: string) => setEnabled(io, id, false));

  cmd
    .command('test')
    .description('ask FenX to send a test notification now; exits 7 unless it was delivered')
    .argument('<id>', 'webhook id')
    .action(async (id: string) => {
      await withFenx(io.env, async (fenx) => {
        await found(fenx, id);
        const d = await fenx.testWebhook(id);
        io.out(
          `test delivery to webhook ${id}: ${d.status}${d.httpStatusCode !== undefined ? ` (HTTP ${d.httpStatusCode})` : ''}`,
        );
        if (d.status !== 'Successful')
          throw new CliError(`FenX could not deliver to webhook ${id}.`, EXIT.testDeliveryFailed);
      });
    });

  cmd
    .command('watch')
    .description(
      "check every webhook's status and newest delivery, and push them to the Pushgateway (scheduled every 2 minutes); exits 0 once checked, whatever the statuses: the alerts judge them",
    )
    .option('--pushgateway <url>', 'where to push (default PUSHGATEWAY_URL)')
    .option('--json', 'print JSON')
    .action(async (opts: { pushgateway?: string; json?: boolean }) => {
      const gateway = opts.pushgateway ?? io.env['PUSHGATEWAY_URL'];
      const push = async (hooks: WatchedWebhook[] | undefined) => {
        if (!gateway) return;
        try {
          await pushWebhookMetrics(gateway, hooks);
        } catch (error) {
          throw new CliError(
            `pushing the webhook status to ${gateway} failed: ${(error as Error).message}`,
            EXIT.failure,
          );
        }
      };
      let hooks: WatchedWebhook[];
      try {
        hooks = await withFenx(io.env, async (fenx) => watched(await readWebhooks(fenx)));
      } catch (error) {
        // The check's failure is a metric too (FenX unreachable is not "every webhook fine").
        await push(undefined).catch(() => undefined);
        throw error;
      }
      if (opts.json) io.out(json(hooks));
      else if (hooks.length === 0) io.out('no webhooks');
      else
        io.out(
          table(
            ['ID', 'NAME', 'STATUS', 'LAST DELIVERY'],
            hooks.map((w) => [
              w.id,
              w.name,
              w.status,
              w.lastDelivery
                ? `${w.lastDelivery.when ?? '?'} ${w.lastDelivery.status ?? '?'} ${w.lastDelivery.httpStatusCode ?? ''}`.trim()
                : '-',
            ]),
          ),
        );
      if (gateway) {
        await push(hooks);
        io.err(`webhook status pushed to ${gateway}`);
      } else io.err('PUSHGATEWAY_URL is not set (nor --pushgateway): the status is printed only');
    });

  cmd
    .command('create')
    .description('create a webhook (at most 10 per tenant); prints its id')
    .requiredOption('--name <name>', 'webhook name')
    .requiredOption('--url <url>', "radar's public URL, e.g. https://radar.example.com/webhooks/fenx")
    .addOption(
      new Option('--secret <secret>', 'signing secret, 1-128 characters')
        .env('FENX_WEBHOOK_SECRET')
        .makeOptionMandatory(),
    )
    .option('--event-types <types>', 'comma-separated event types, or *', list, ['*'])
    .option(
      '--emails <addresses>',
      'comma-separated addresses FenX tells when it disables the webhook (max 5)',
      list,
    )
    .addOption(new Option('--type <type>', 'delivery type').choices(['Single', 'Batch']).default('Single'))
    .option('--batch-size <n>', 'notifications per batch delivery (10-100)', intIn(10, 100))
    .option('--disabled', 'create it disabled')
    .action(
      async (opts: {
        name: string;
        url: string;
        secret: string;
        eventTypes: string[];
        emails?: string[];
        type: 'Single' | 'Batch';
        batchSize?: number;
        disabled?: boolean;
      }) => {
        if (opts.secret.length < 1 || opts.secret.length > 128)
          throw new CliError('--secret must be 1 to 128 characters.', EXIT.usage);
        if (!/^https?:\/\/\S+$/.test(opts.url))
          throw new CliError('--url must be an http(s) URL.', EXIT.usage);
        if ((opts.emails?.length ?? 0) > 5)
          throw new CliError('--emails takes at most 5 addresses.', EXIT.usage);
        if (opts.type === 'Batch' && opts.batchSize === undefined)
          throw new CliError('--type Batch needs --batch-size (10-100).', EXIT.usage);
        await withFenx(io.env, async (fenx) => {
          const id = await fenx.createWebhook({
            name: opts.name,
            url: opts.url,
            secret: opts.secret,
            enabled: !opts.disabled,
            eventTypes: opts.eventTypes,
            ...(opts.emails ? { emailAddresses: opts.emails } : {}),
            type: opts.type,
            ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
          });
          io.out(id);
        });
      },
    );

  return cmd;
}
