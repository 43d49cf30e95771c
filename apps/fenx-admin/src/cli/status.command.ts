import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { integer } from '@fenx/cli';
import type { Webhook } from '@fenx/fenx-client';
import { consumerGroupLag, KafkaClient, readTopic, topicOffsets } from '@fenx/kafka';
import { DEAD_LETTER_HEADER, headerText, TOPICS, withoutNamespace } from '@fenx/kafka-contracts';
import { Command } from 'commander';
import { CliError, EXIT } from './errors';
import { CliIo, json, table } from './io';
import { replayGroupId } from './dead-letters.command';
import { cliKafka, kafkaSettingsFromEnv, withFenx } from './settings';

const DEAD_LETTER_TOPICS = [
  TOPICS.journeyExtractorDeadLetter.name,
  TOPICS.entityExtractorDeadLetter.name,
  TOPICS.lakeSinkDeadLetter.name,
];
/** The topics the lake sink keeps (one consumer group `lake-sink.<topic>` each). */
const LAKE_TOPICS = [
  TOPICS.journeyDetails.name,
  TOPICS.entityDetails.name,
  TOPICS.webhookEvents.name,
  TOPICS.journeyExtractorDeadLetter.name,
  TOPICS.entityExtractorDeadLetter.name,
];
/** Every consumer group of the pipeline and what it reads. */
const GROUPS: { group: string; topic: string }[] = [
  { group: 'journey-extractor', topic: TOPICS.webhookEvents.name },
  { group: 'entity-extractor', topic: TOPICS.webhookEvents.name },
  ...LAKE_TOPICS.map((topic) => ({ group: `lake-sink.${topic}`, topic })),
];

export interface PipelineStatus {
  checkedAt: string;
  healthy: boolean;
  /** Why it is not healthy (empty when it is). */
  reasons: string[];
  lag: { group: string; topic: string; lag: number; oldestUnprocessed?: string; oldestAgeSeconds?: number }[];
  deadLetters: {
    topic: string;
    depth: number;
    notReplayed: number;
    newestAt?: string;
    newestReason?: string;
  }[];
  /** Absent: FenX not configured (no FENX_BASE_URL). */
  webhooks?: {
    id: string;
    name?: string;
    status?: string;
    enabled?: boolean;
    lastDeliveries: { when?: string; status?: string; httpStatusCode?: number }[];
  }[];
  /** The pipeline state topic: the jobs' cursors (reconciliation, safety net, backfill runs). */
  cursors: { key: string; writtenAt?: string; writer?: string; value: unknown }[];
  /** Absent: no Pushgateway given. */
  scheduledRuns?: { job: string; lastSuccess?: string; lastPush?: string; ageSeconds?: number }[];
  /** Absent: no local lake directory given. */
  lake?: { topic: string; newestHour?: string; ageSeconds?: number }[];
  notChecked: string[];
}

interface StatusOptions {
  json?: boolean;
  lake?: string;
  pushgateway?: string;
  maxLagAge: number;
  maxRunAge: number;
  maxLakeAge: number;
  timeoutMs: number;
}

const ageSeconds = (iso: string | number, now: number) =>
  Math.max(0, Math.round((now - (typeof iso === 'number' ? iso : Date.parse(iso))) / 1000));

async function deadLetterStatus(kafka: KafkaClient, topic: string, timeoutMs: number) {
  const depth = (await topicOffsets(kafka, topic)).reduce(
    (n, p) => n + Number(BigInt(p.high) - BigInt(p.low)),
    0,
  );
  const [waiting] = await consumerGroupLag(kafka, replayGroupId(topic), [topic], { oldest: false });
  let newest: { at: number; reason?: string } | undefined;
  if (depth > 0)
    await readTopic(kafka, topic, {
      groupId: `fenx-admin.status.${randomUUID()}`,
      timeoutMs,
      onRecords: (records) => {
        for (const r of records)
          if (!newest || Number(r.timestamp) > newest.at)
            newest = { at: Number(r.timestamp), reason: headerText(r.headers, DEAD_LETTER_HEADER.reason) };
      },
    });
  return {
    topic,
    depth,
    notReplayed: waiting.lag,
    newestAt: newest ? new Date(newest.at).toISOString() : undefined,
    newestReason: newest?.reason?.replace(/\s+/g, ' ').slice(0, 160),
  };
}

async function cursors(kafka: KafkaClient, timeoutMs: number): Promise<PipelineStatus['cursors']> {
  const latest = new Map<string, PipelineStatus['cursors'][number] | null>();
  await readTopic(kafka, TOPICS.pipelineState.name, {
    groupId: `fenx-admin.status.${randomUUID()}`,
    timeoutMs,
    onRecords: (records) => {
      for (const r of records) {
        if (!r.key) continue;
        if (r.value === null) {
          latest.set(r.key, null);
          continue;
        }
        try {
          const e = JSON.parse(r.value.toString('utf8')) as {
            value?: unknown;
            writtenAt?: string;
            writer?: string;
          };
          latest.set(r.key, { key: r.key, writtenAt: e.writtenAt, writer: e.writer, value: e.value });
        } catch {
          latest.set(r.key, { key: r.key, value: r.value.toString('utf8') });
        }
      }
    },
  });
  return [...latest.values()]
    .filter((c): c is PipelineStatus['cursors'][number] => c !== null)
    .sort((a, b) => a.key.localeCompare(b.key));
}

interface PushgatewayGroup {
  labels: Record<string, string>;
  [metric: string]: unknown;
}

/** Per pushed job: its last successful run (`*_last_success_timestamp_seconds`) and its last push. */
async function scheduledRuns(
  url: string,
  now: number,
): Promise<NonNullable<PipelineStatus['scheduledRuns']>> {
  const res = await fetch(`${url.replace(/\/+$/, '')}/api/v1/metrics`).catch((e: Error) => {
    throw new CliError(`the Pushgateway at ${url} is unreachable: ${e.message}`, EXIT.failure);
  });
  if (!res.ok) throw new CliError(`the Pushgateway at ${url} answered HTTP ${res.status}`, EXIT.failure);
  const body = (await res.json()) as { data?: PushgatewayGroup[] };
  const value = (g: PushgatewayGroup, name: string) => {
    const family = g[name] as { metrics?: { value?: string }[] } | undefined;
    const v = Number(family?.metrics?.[0]?.value);
    return Number.isFinite(v) && v > 0 ? v * 1000 : undefined;
  };
  return (body.data ?? [])
    .map((g) => {
      const success = Object.keys(g)
        .filter((k) => k.endsWith('_last_success_timestamp_seconds'))
        .map((k) => value(g, k))
        .filter((v): v is number => v !== undefined)
        .sort((a, b) => b - a)[0];
      const push = value(g, 'push_time_seconds');
      return {
        job: g.labels['job'] ?? '?',
        lastSuccess: success ? new Date(success).toISOString() : undefined,
        lastPush: push ? new Date(push).toISOString() : undefined,
        ageSeconds: success ? ageSeconds(success, now) : undefined,
      };
    })
    .sort((a, b) => a.job.localeCompare(b.job));
}

/** The newest `dt=/hour=` directory of each lake topic. */
function lakeHours(dir: string, now: number): NonNullable<PipelineStatus['lake']> {
  const names = (d: string, prefix: string) => {
    try {
      return readdirSync(d).filter((n) => n.startsWith(prefix));
    } catch {
      return [];
    }
  };
  return LAKE_TOPICS.map((t) => withoutNamespace(t)).map((topic) => {
    const base = join(dir, `topic=${topic}`);
    const newest = names(base, 'dt=')
      .flatMap((dt) => names(join(base, dt), 'hour=').map((h) => `${dt.slice(3)}T${h.slice(5)}:00:00Z`))
      .filter((iso) => !Number.isNaN(Date.parse(iso)))
      .sort()
      .at(-1);
    // An hour's files cover it to its end: its age counts from the end of the hour.
    return newest
      ? { topic, newestHour: newest, ageSeconds: ageSeconds(Date.parse(newest) + 3_600_000, now) }
      : { topic };
  });
}

function webhookView(w: Webhook): NonNullable<PipelineStatus['webhooks']>[number] {
  return {
    id: w.id,
    name: w.name,
    status: w.status === undefined ? undefined : String(w.status),
    enabled: w.enabled,
    lastDeliveries: (w.lastDeliveries ?? [])
      .slice(0, 3)
      .map((d) => ({ when: d.when, status: d.status, httpStatusCode: d.httpStatusCode })),
  };
}

/** Everything `status` shows, with the reasons it is not healthy. */
export async function pipelineStatus(io: CliIo, o: StatusOptions, now = Date.now()): Promise<PipelineStatus> {
  const kafka = cliKafka(kafkaSettingsFromEnv(io.env));
  const reasons: string[] = [];
  const notChecked: string[] = [];

  const lag: PipelineStatus['lag'] = [];
  for (const { group, topic } of GROUPS) {
    const [l] = await consumerGroupLag(kafka, group, [topic], { timeoutMs: o.timeoutMs });
    const oldest = l.oldestUnprocessed?.timestamp;
    const row = {
      group,
      topic,
      lag: l.lag,
      oldestUnprocessed: oldest === undefined ? undefined : new Date(oldest).toISOString(),
      oldestAgeSeconds: oldest === undefined ? undefined : ageSeconds(oldest, now),
    };
    lag.push(row);
    if (row.oldestAgeSeconds !== undefined && row.oldestAgeSeconds > o.maxLagAge)
      reasons.push(
        `${group} has ${row.lag} record(s) of ${topic} to process, the oldest ${row.oldestAgeSeconds} s old (over ${o.maxLagAge} s)`,
      );
  }

  const deadLetters: PipelineStatus['deadLetters'] = [];
  for (const topic of DEAD_LETTER_TOPICS) {
    const d = await deadLetterStatus(kafka, topic, o.timeoutMs);
    deadLetters.push(d);
    if (d.notReplayed > 0)
      reasons.push(
        `${d.notReplayed} dead letter(s) in ${topic} not replayed (newest: ${d.newestReason ?? 'no reason'}): fenx-admin dead-letters list --topic ${topic}`,
      );
  }

  let webhooks: PipelineStatus['webhooks'];
  if (io.env['FENX_BASE_URL']) {
    webhooks = await withFenx(io.env, async (fenx) => {
      const listed = await fenx.listWebhooks();
      return Promise.all(
        listed.map(async (w) => {
          const one = await fenx.getWebhook(w.id);
          return webhookView(one.status === 'ok' ? one.webhook : w);
        }),
      );
    });
    if (webhooks.length === 0) reasons.push('FenX has no webhook for this tenant: nothing is delivered');
    for (const w of webhooks)
      if (w.status !== 'Enabled' || w.enabled === false)
        reasons.push(
          `webhook ${w.id}${w.name ? ` (${w.name})` : ''} is ${w.status ?? 'of unknown status'}${w.enabled === false ? ', disabled' : ''}: fenx-admin webhooks enable ${w.id}`,
        );
  } else notChecked.push('webhooks (FENX_BASE_URL not set)');

  const state = await cursors(kafka, o.timeoutMs);

  let runs: PipelineStatus['scheduledRuns'];
  const gateway = o.pushgateway ?? io.env['PUSHGATEWAY_URL'];
  if (gateway) {
    runs = await scheduledRuns(gateway, now);
    for (const r of runs)
      if (r.ageSeconds !== undefined && r.ageSeconds > o.maxRunAge)
        reasons.push(`${r.job}: last successful run ${r.ageSeconds} s ago (over ${o.maxRunAge} s)`);
  } else notChecked.push('scheduled runs (no --pushgateway or PUSHGATEWAY_URL)');

  let lake: PipelineStatus['lake'];
  const lakeDir = o.lake ?? io.env['LAKE_SINK_TARGET'];
  if (lakeDir && !lakeDir.startsWith('s3://')) {
    lake = lakeHours(lakeDir, now);
    for (const l of lake)
      if (l.ageSeconds !== undefined && l.ageSeconds > o.maxLakeAge)
        reasons.push(
          `the lake's newest hour of ${l.topic} is ${l.newestHour} (${l.ageSeconds} s ago, over ${o.maxLakeAge} s)`,
        );
  } else
    notChecked.push(
      lakeDir ? 'the lake (S3: give a local copy with --lake)' : 'the lake (no --lake or LAKE_SINK_TARGET)',
    );

  return {
    checkedAt: new Date(now).toISOString(),
    healthy: reasons.length === 0,
    reasons,
    lag,
    deadLetters,
    webhooks,
    cursors: state,
    scheduledRuns: runs,
    lake,
    notChecked,
  };
}

const dash = (v: unknown) => (v === undefined || v === null || v === '' ? '-' : String(v));
const short = (v: unknown) => {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.length > 70 ? `${text.slice(0, 69)}…` : text;
};

/** The status as one screen of tables. */
export function renderStatus(s: PipelineStatus): string {
  const parts = [
    table(
      ['CONSUMER GROUP', 'TOPIC', 'LAG', 'OLDEST UNPROCESSED'],
      s.lag.map((l) => [
        l.group,
        l.topic,
        String(l.lag),
        l.oldestUnprocessed ? `${l.oldestUnprocessed} (${l.oldestAgeSeconds} s ago)` : '-',
      ]),
    ),
    table(
      ['DEAD-LETTER TOPIC', 'DEPTH', 'NOT REPLAYED', 'NEWEST', 'NEWEST REASON'],
      s.deadLetters.map((d) => [
        d.topic,
        String(d.depth),
        String(d.notReplayed),
        dash(d.newestAt),
        dash(d.newestReason),
      ]),
    ),
  ];
  if (s.webhooks)
    parts.push(
      s.webhooks.length === 0
        ? 'WEBHOOKS: none'
        : table(
            ['WEBHOOK', 'NAME', 'STATUS', 'LAST DELIVERIES'],
            s.webhooks.map((w) => [
              w.id,
              dash(w.name),
              `${dash(w.status)}${w.enabled === false ? ' (disabled)' : ''}`,
              w.lastDeliveries.length
                ? w.lastDeliveries
                    .map(
                      (d) =>
                        `${dash(d.when)} ${dash(d.status)}${d.httpStatusCode ? ` ${d.httpStatusCode}` : ''}`,
                    )
                    .join('; ')
                : 'none yet',
            ]),
          ),
    );
  parts.push(
    s.cursors.length === 0
      ? 'CURSORS: none written yet'
      : table(
          ['CURSOR', 'WRITTEN AT', 'BY', 'VALUE'],
          s.cursors.map((c) => [c.key, dash(c.writtenAt), dash(c.writer), short(c.value)]),
        ),
  );
  if (s.scheduledRuns)
    parts.push(
      s.scheduledRuns.length === 0
        ? 'SCHEDULED RUNS: nothing pushed'
        : table(
            ['SCHEDULED JOB', 'LAST SUCCESS', 'LAST PUSH'],
            s.scheduledRuns.map((r) => [
              r.job,
              r.lastSuccess ? `${r.lastSuccess} (${r.ageSeconds} s ago)` : '-',
              dash(r.lastPush),
            ]),
          ),
    );
  if (s.lake)
    parts.push(
      table(
        ['LAKE TOPIC', 'NEWEST HOUR'],
        s.lake.map((l) => [
          l.topic,
          l.newestHour ? `${l.newestHour} (ended ${l.ageSeconds} s ago)` : 'no files',
        ]),
      ),
    );
  if (s.notChecked.length) parts.push(`not checked: ${s.notChecked.join('; ')}`);
  parts.push(
    s.healthy
      ? 'status: all well'
      : ['status: needs attention', ...s.reasons.map((r) => `- ${r}`)].join('\n'),
  );
  return parts.join('\n\n');
}

export function statusCommand(io: CliIo): Command {
  const seconds = integer({ min: 1 });
  return new Command('status')
    .description(
      'is everything all right? consumer lag, dead letters, webhooks, cursors, scheduled runs, the lake; exit 0 when all is well, 8 with the reasons otherwise',
    )
    .option('--json', 'print JSON')
    .option('--lake <dir>', 'a local lake directory (default LAKE_SINK_TARGET when it is one)')
    .option('--pushgateway <url>', 'where scheduled runs push their metrics (default PUSHGATEWAY_URL)')
    .option('--max-lag-age <seconds>', 'oldest unprocessed record allowed', seconds, 900)
    .option('--max-run-age <seconds>', 'time since a scheduled job last succeeded allowed', seconds, 7200)
    .option('--max-lake-age <seconds>', "time since the end of the lake's newest hour allowed", seconds, 7200)
    .option('--timeout-ms <ms>', 'give up reading a topic after this long', seconds, 30000)
    .action(async (o: StatusOptions) => {
      const s = await pipelineStatus(io, o);
      io.out(o.json ? json(s) : renderStatus(s));
      if (!s.healthy) throw new CliError('', EXIT.unhealthy);
    });
}
