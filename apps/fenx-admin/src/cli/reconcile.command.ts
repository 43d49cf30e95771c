import { classifyEventType, EventDomain, FenxNotification, relativeUrls } from '@fenx/fenx-events';
import { distinctIds, entityIdOfRow, journeyIdOfRow, ReportRow } from '@fenx/fenx-client';
import { KafkaProducer, OutgoingRecord, syntheticWebhookEvent, TOPICS } from '@fenx/kafka';
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

const DEFAULT_EVENT_TYPE: Record<Domain, string> = {
  entity: 'entitydata:dataPublished',
  journey: 'journey:taskcompleted',
};
const EVENT_DOMAIN: Record<Domain, EventDomain> = { entity: 'entitydata', journey: 'journey' };

/**
 * The synthetic notification for one id the report named. Its id depends only on the domain, the
 * record id and the window's end: reconciling the same window twice yields the same notification ids.
 */
export function reconciliationNotification(
  domain: Domain,
  id: string,
  row: ReportRow | undefined,
  tenantId: string,
  windowEnd: Date,
): FenxNotification {
  const last = typeof row?.['lastEventType'] === 'string' ? row['lastEventType'] : undefined;
  const eventType =
    last && classifyEventType(last).domain === EVENT_DOMAIN[domain] ? last : DEFAULT_EVENT_TYPE[domain];
  const updated = typeof row?.['updated'] === 'string' ? row['updated'] : windowEnd.toISOString();
  return {
    id: `reconciliation:${domain}:${id}:${windowEnd.toISOString()}`,
    tenantId,
    eventType,
    relativeUrl: domain === 'entity' ? relativeUrls.entity(id) : relativeUrls.journey(id),
    payload: {},
    when: updated,
    correlationId: `fenx-admin-reconcile-${windowEnd.toISOString()}`,
    causationId: null,
  };
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
    .option('--dry-run', 'count what would be written, write nothing')
    .action(async (opts: { since: string; until?: string; domain: Domain | 'all'; dryRun?: boolean }) => {
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

      const records: OutgoingRecord[] = [];
      await withFenx(io.env, async (fenx) => {
        for (const domain of domains) {
          const { rows } =
            domain === 'entity'
              ? await fenx.entityUpdatedReport(start, end)
              : await fenx.journeyUpdatedReport(start, end);
          const idOf = domain === 'entity' ? entityIdOfRow : journeyIdOfRow;
          const { ids, rowsWithoutId } = distinctIds(rows, idOf);
          const rowById = new Map(rows.map((r) => [idOf(r), r]));
          for (const id of ids) {
            const n = reconciliationNotification(domain, id, rowById.get(id), fenx.settings.tenantId, end);
            records.push(syntheticWebhookEvent(n, 'reconciliation', at).record);
          }
          io.out(
            `${domain}: ${rows.length} report row(s), ${ids.length} distinct id(s)` +
              (rowsWithoutId ? `, ${rowsWithoutId} row(s) without an id (ignored)` : ''),
          );
        }
      });
      if (opts.dryRun)
        return io.out(
          `dry run: would write ${records.length} reconciliation event(s) to ${TOPICS.webhookEvents.name}`,
        );
      if (records.length === 0) return io.out('nothing to write');

      const settings = kafkaSettingsFromEnv(io.env);
      const producer = new KafkaProducer(cliKafka(settings), settings);
      await producer.connect();
      try {
        for (let i = 0; i < records.length; i += 500)
          await producer.emit(TOPICS.webhookEvents.name, records.slice(i, i + 500));
      } finally {
        await producer.disconnect();
      }
      io.out(
        `wrote ${records.length} reconciliation event(s) to ${TOPICS.webhookEvents.name} for ${start.toISOString()} .. ${end.toISOString()}`,
      );
    });
}
