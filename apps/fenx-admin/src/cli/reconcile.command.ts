import { Progress } from '@fenx/cli';
import { readReport, reconciliationEvents, SyntheticEventWriter } from '@fenx/extraction';
import type { ReportKind } from '@fenx/fenx-client';
import type { FenxNotification } from '@fenx/fenx-events';
import { KafkaProducer } from '@fenx/kafka';
import { TOPICS } from '@fenx/kafka-contracts';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CliError, EXIT } from './errors';
import { CliIo } from './io';
import { cliKafka, kafkaSettingsFromEnv, withFenx } from './settings';

const DURATION = /^(\d+)([mhd])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `2026-11-20T08:00:00Z`, or a duration back from `now` (`90m`, `6h`, `2d`). */
export function parseInstant(value: string, now: Date): Date {
  const d = DURATION.exec(value);
  if (d) return new Date(now.getTime() - Number(d[1]) * UNIT_MS[d[2] as keyof typeof UNIT_MS]);
  const t = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(t.getTime()))
    throw new InvalidArgumentError(
      'must be an ISO-8601 time (2026-11-20T08:00:00Z) or a duration (90m, 6h, 2d)',
    );
  return t;
}

type Domain = 'entity' | 'journey';

/** The report each domain is reconciled from. */
const REPORT: Record<Domain, ReportKind> = { entity: 'entity-updated', journey: 'journey-updated' };

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number above 0');
  return n;
}

export function reconcileCommand(io: CliIo, now: () => Date = () => new Date()): Command {
  return new Command('reconcile')
    .description(
      "write a 'reconciliation' event into topic 1 for every entity and journey FenX's reports say changed in a window",
    )
    .requiredOption('--since <time>', 'window start: ISO-8601, or a duration back from now (6h)')
    .option('--until <time>', 'window end: ISO-8601, or a duration back from now (default: now)')
    .addOption(
      new Option('--domain <domain>', 'what to reconcile')
        .choices(['entity', 'journey', 'all'])
        .default('all'),
    )
    .option('--rate <events-per-second>', 'write at most this many events per second', positive, 200)
    .option('--dry-run', 'count what would be written, write nothing')
    .action(
      async (opts: {
        since: string;
        until?: string;
        domain: Domain | 'all';
        rate: number;
        dryRun?: boolean;
      }) => {
        const at = now();
        let start: Date;
        let end: Date;
        try {
          start = parseInstant(opts.since, at);
          end = opts.until ? parseInstant(opts.until, at) : at;
        } catch (e) {
          throw new CliError(`--since/--until ${(e as Error).message}`, EXIT.usage);
        }
        if (start >= end) throw new CliError('--since must be before --until.', EXIT.usage);
        const domains: Domain[] = opts.domain === 'all' ? ['entity', 'journey'] : [opts.domain];

        // The same catch-up events, with the same notification ids, as the extractors' own
        // reconciliation of the window: whichever runs second is dropped as a duplicate downstream.
        const events: FenxNotification[] = [];
        await withFenx(io.env, async (fenx) => {
          for (const domain of domains) {
            const kind = REPORT[domain];
            const read = await readReport(
              fenx,
              kind,
              { start, end },
              {
                correlationId: `fenx-admin-reconcile-${end.toISOString()}`,
              },
            );
            const made = reconciliationEvents(kind, read.rows, { start, end }, fenx.settings.tenantId);
            events.push(...made.notifications);
            io.out(
              `${domain}: ${made.rows} report row(s)` +
                (read.parts.length > 1
                  ? ` in ${read.parts.length} windows (split: more rows than FenX answers at once)`
                  : '') +
                `, ${made.notifications.length} distinct id(s)` +
                (made.rowsWithoutId ? `, ${made.rowsWithoutId} row(s) without an id (ignored)` : ''),
            );
          }
        });
        if (opts.dryRun)
          return io.out(
            `dry run: would write ${events.length} reconciliation event(s) to ${TOPICS.webhookEvents.name}`,
          );
        if (events.length === 0) return io.out('nothing to write');

        const settings = kafkaSettingsFromEnv(io.env);
        const producer = new KafkaProducer(cliKafka(settings), settings);
        await producer.connect();
        const progress = new Progress({
          label: 'reconcile',
          unit: 'events',
          total: events.length,
          enabled: io.progress !== undefined,
          stream: io.progress,
        });
        try {
          const written = await new SyntheticEventWriter({ producer, ratePerSecond: opts.rate }).write(
            events,
            'reconciliation',
            undefined,
            (n) => progress.update(n),
          );
          progress.stop({ written });
          if (written < events.length)
            throw new CliError(
              `wrote only ${written} of ${events.length} reconciliation events`,
              EXIT.failure,
            );
        } finally {
          progress.stop();
          await producer.disconnect();
        }
        io.out(
          `wrote ${events.length} reconciliation event(s) to ${TOPICS.webhookEvents.name} for ${start.toISOString()} .. ${end.toISOString()}`,
        );
      },
    );
}
