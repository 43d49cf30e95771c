// Journey-extractor drain benchmark: a backlog of synthetic journey events in topic 1 (Apache Kafka, 3 nodes),
// the FenX simulator with API latency and a rate limit, the built extractor in `once` mode (or
// `--replicas N` continuous ones in one group, sharing the budget by their part of the partitions).
// Reports drain time against the floor set by the limit (distinct journeys / N), FenX calls per
// event, 429s (any means the limit was exceeded) and the extractor's peak RSS.
//
//   npx nx build journey-extractor fenx-simulator
//   SWC_NODE_PROJECT=tools/tsconfig.tools.json node -r @swc-node/register tools/bench/journey-extractor/bench.ts \
//     --events 100000 --journeys 5000 --rate 50 --latency 50
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { integer, Progress, runMain } from '@fenx/cli';
import { seededRandom } from '@fenx/fenx-client';
import { relativeUrls } from '@fenx/fenx-events';
import { createKafka, KafkaProducer, topicOffsets, consumerGroupLag } from '@fenx/kafka';
import { OutgoingRecord, syntheticWebhookEvent, TOPICS } from '@fenx/kafka-contracts';
import { KafkaCluster } from '@fenx/kafka/test';
import {
  AppProcess,
  freePort,
  metricValue,
  SIMULATOR_DEFAULTS,
  startPushgateway,
  startSimulator,
} from '@fenx/testing';

interface Options {
  events: number;
  journeys: number;
  rate: number;
  latency: number;
  batch: number;
  wave: number;
  order: 'waves' | 'random';
  concurrency: number;
  partitions: number;
  fetchBytes: number;
  produceBatch: number;
  seed: number;
  coalesce: 'true' | 'false';
  replicas: number;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/**
 * The order of the backlog: `waves` = a bulk operation working on `wave` journeys at a time, their
 * events interleaved at random within the wave; `random` = every event anywhere (worst case).
 */
function backlogOrder(journeyIds: string[], o: Options): string[] {
  const random = seededRandom(o.seed);
  const perJourney = o.events / journeyIds.length;
  const slots = journeyIds.flatMap((id) => Array.from({ length: perJourney }, () => id));
  if (o.order === 'random') return shuffle(slots, random);
  const out: string[] = [];
  for (let w = 0; w < journeyIds.length; w += o.wave) {
    const wave = journeyIds
      .slice(w, w + o.wave)
      .flatMap((id) => Array.from({ length: perJourney }, () => id));
    out.push(...shuffle(wave, random));
  }
  return out;
}

interface DrainRun {
  /** Prometheus text of every extractor process. */
  metrics: string;
  seconds: number;
  /** Records of each committed chunk. */
  chunks: number[];
  /** Largest peak RSS of an extractor process, in kB. */
  peakKb: number;
}

/** Samples a process's peak RSS (VmHWM) until `stop()`. */
function peakRss(app: AppProcess): { stop(): number } {
  let peakKb = 0;
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${app.pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      // the process has exited
    }
  }, 200);
  return {
    stop: () => {
      clearInterval(poll);
      return peakKb;
    },
  };
}

function logLines(app: AppProcess): Record<string, unknown>[] {
  return app.output().map((l) => {
    try {
      return JSON.parse(l) as Record<string, unknown>;
    } catch {
      return {};
    }
  });
}

const committedChunks = (lines: Record<string, unknown>[]) =>
  lines.filter((l) => l['message'] === 'batch committed').map((l) => Number(l['records']));

/** One extractor in `once` mode: the drain time is the one it logs; its metrics are pushed at exit. */
async function drainOnce(
  env: Record<string, string>,
  groupLag: () => Promise<number | undefined>,
  progress: Progress,
  events: number,
  metrics: () => Promise<string>,
): Promise<DrainRun> {
  const app = await AppProcess.start({ name: 'journey-extractor', env: { ...env, EXTRACTOR_MODE: 'once' } });
  let draining = true;
  const drainProgress = (async () => {
    while (draining) {
      const lag = await groupLag();
      if (lag !== undefined) progress.update(Math.max(0, events - lag));
      await new Promise((r) => setTimeout(r, 2000));
    }
  })();
  const rss = peakRss(app);
  const { code } = await app.exited();
  const peakKb = rss.stop();
  draining = false;
  await drainProgress;
  if (code !== 0) throw new Error(`the extractor exited ${code}:\n${app.output().slice(-20).join('\n')}`);
  const lines = logLines(app);
  const drained = lines.find((l) => l['message'] === 'drained to the noted watermarks');
  return {
    metrics: await metrics(),
    seconds: Number(drained?.['durationMs']) / 1000,
    chunks: committedChunks(lines),
    peakKb,
  };
}

/**
 * Replicas of the continuous extractor in one consumer group, sharing the tenant's budget by their
 * part of the partitions. The drain time runs from the first start to a group lag of 0; the metrics
 * are each replica's /metrics, read before they stop.
 */
async function drainWithReplicas(
  env: Record<string, string>,
  groupLag: () => Promise<number | undefined>,
  progress: Progress,
  o: Options,
): Promise<DrainRun> {
  const started = Date.now();
  const ports = await Promise.all(Array.from({ length: o.replicas }, () => freePort()));
  const apps = await Promise.all(
    ports.map((port) =>
      AppProcess.start({
        name: 'journey-extractor',
        // No safety net: its report calls would take from the budget being measured.
        env: {
          ...env,
          EXTRACTOR_MODE: 'continuous',
          EXTRACTOR_PORT: String(port),
          JOURNEY_SAFETY_NET_INTERVAL_MS: '0',
        },
        readyUrl: `http://127.0.0.1:${port}/health/live`,
        readyTimeoutMs: 60000,
      }),
    ),
  );
  const rss = apps.map(peakRss);
  try {
    for (;;) {
      const lag = await groupLag();
      if (lag !== undefined) progress.update(Math.max(0, o.events - lag));
      if (lag === 0) break;
      const down = apps.find((a) => !a.running);
      if (down) throw new Error(`a replica exited:\n${down.output().slice(-20).join('\n')}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const seconds = (Date.now() - started) / 1000;
    const metrics = (
      await Promise.all(ports.map(async (port) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text()))
    ).join('\n');
    return {
      metrics,
      seconds,
      chunks: apps.flatMap((a) => committedChunks(logLines(a))),
      peakKb: Math.max(...rss.map((r) => r.stop())),
    };
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
  }
}

async function main(o: Options): Promise<void> {
  const started = Date.now();
  const broker = await KafkaCluster.start({ brokers: 3 });
  const gateway = await startPushgateway();
  const gatewayUrl = gateway.url;
  const sim = await startSimulator({
    SIM_AUTOSTART: 'false',
    SIM_ENTITIES: '200',
    SIM_JOURNEYS: String(o.journeys),
    SIM_MAX_JOURNEYS: String(o.journeys),
  });
  const kafka = createKafka(broker.settings('bench'), { logCreator: () => () => undefined });
  const producer = new KafkaProducer(kafka, broker.settings('bench'));
  try {
    let journeyIds: string[] = [];
    while (journeyIds.length < o.journeys) {
      await sim.control.step(1000);
      journeyIds = (await sim.control.groundTruth()).journeys.map((j) => j.id);
    }
    journeyIds = journeyIds.slice(0, o.journeys);
    await sim.control.setFaults({
      latencyMs: o.latency,
      rateLimit: { perSecond: o.rate, burst: o.concurrency },
    });

    await producer.connect();
    const order = backlogOrder(journeyIds, o);
    const when = new Date().toISOString();
    for (let i = 0; i < order.length; i += o.produceBatch) {
      const records: OutgoingRecord[] = order.slice(i, i + o.produceBatch).map(
        (journeyId, k) =>
          syntheticWebhookEvent(
            {
              id: `bench-${i + k}`,
              tenantId: SIMULATOR_DEFAULTS.tenantId,
              eventType: 'journey:taskcompleted',
              relativeUrl: relativeUrls.journey(journeyId),
              payload: { journeyId },
              when,
              correlationId: null,
              causationId: null,
            },
            'backfill',
          ).record,
      );
      await producer.emit(TOPICS.webhookEvents.name, records);
    }
    // A backlog that retention had already cut would measure a smaller one.
    const offsets = await topicOffsets(kafka, TOPICS.webhookEvents.name);
    const dropped = offsets.reduce((n, p) => n + Number(p.low), 0);
    if (dropped > 0)
      throw new Error(
        `retention deleted ${dropped} of the backlog's oldest events before the run: check the topic's retention`,
      );
    process.stderr.write(
      `backlog of ${order.length} events over ${o.journeys} journeys produced (${o.order})\n`,
    );

    const env = {
      ...broker.env(),
      EXTRACTOR_BATCH_SIZE: String(o.batch),
      EXTRACTOR_COALESCE: o.coalesce,
      EXTRACTOR_FETCH_CONCURRENCY: String(o.concurrency),
      EXTRACTOR_PARTITIONS_CONCURRENTLY: String(o.partitions),
      EXTRACTOR_FETCH_MAX_BYTES_PER_PARTITION: String(o.fetchBytes),
      EXTRACTOR_FETCH_MAX_BYTES: String(o.fetchBytes * 4),
      FENX_BASE_URL: sim.url,
      FENX_CLIENT_ID: SIMULATOR_DEFAULTS.clientId,
      FENX_CLIENT_SECRET: SIMULATOR_DEFAULTS.clientSecret,
      FENX_TENANT_ID: SIMULATOR_DEFAULTS.tenantId,
      FENX_RATE_LIMIT_PER_SECOND: String(o.rate),
      FENX_MAX_CONCURRENCY: String(o.concurrency),
      PUSHGATEWAY_URL: gatewayUrl,
      LOG_LEVEL: 'info',
    };
    // The drain's progress: events the extractor's group committed in topic 1, against the backlog.
    const progress = new Progress({ label: 'journey-extractor drain', unit: 'events', total: o.events });
    const groupLag = () =>
      consumerGroupLag(kafka, 'journey-extractor', [TOPICS.webhookEvents.name], { oldest: false })
        .then((lag) => lag[0].lag)
        .catch(() => undefined);
    const run =
      o.replicas === 1
        ? await drainOnce(env, groupLag, progress, o.events, async () => gateway.metrics())
        : await drainWithReplicas(env, groupLag, progress, o);
    progress.stop();
    const { metrics, seconds, chunks, peakKb } = run;
    const calls = metricValue(metrics, 'journey_extractor_fenx_requests_total', { operation: 'journey' });
    const limited = metricValue(metrics, 'journey_extractor_fenx_requests_total', {
      operation: 'journey',
      outcome: 'rate_limited',
    });
    const consumed = metricValue(metrics, 'journey_extractor_events_consumed_total');
    if (consumed < o.events) throw new Error(`only ${consumed} of ${o.events} events were consumed`);
    const floor = o.journeys / o.rate;
    const result = {
      events: o.events,
      journeys: o.journeys,
      order: o.order,
      rateLimitPerSecond: o.rate,
      latencyMs: o.latency,
      batchSize: o.batch,
      replicas: o.replicas,
      coalesce: o.coalesce === 'true',
      drainSeconds: Number(seconds.toFixed(1)),
      floorSeconds: floor,
      overFloorPercent: Number((((seconds - floor) / floor) * 100).toFixed(1)),
      apiCalls: calls,
      apiCallsPerEvent: Number((calls / o.events).toFixed(4)),
      callsOverJourneys: Number((calls / o.journeys).toFixed(3)),
      rateLimited429: limited,
      recordsProduced: metricValue(metrics, 'journey_extractor_records_produced_total'),
      eventsConsumed: consumed,
      notFound: metricValue(metrics, 'journey_extractor_fenx_requests_total', {
        operation: 'journey',
        outcome: 'not_found',
      }),
      requeued: metricValue(metrics, 'journey_extractor_events_requeued_total'),
      meanChunkRecords: Math.round(chunks.reduce((a, b) => a + b, 0) / Math.max(1, chunks.length)),
      partitionsConcurrently: o.partitions,
      // With replicas: the largest of them.
      peakRssMb: Math.round(peakKb / 1024),
      benchWallSeconds: Math.round((Date.now() - started) / 1000),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await producer.disconnect().catch(() => undefined);
    await sim.stop();
    gateway.stop();
    await broker.stop();
  }
}

const count = (min: number) => integer({ min });
const program = new Command('journey-extractor-bench')
  .description('drain time of a topic-1 backlog against the floor set by the FenX rate limit')
  .option('--events <n>', 'events in the backlog', count(1), 100000)
  .option('--journeys <n>', 'distinct journeys', count(1), 5000)
  .option('--rate <n>', 'FenX calls per second (simulator limit and client limit)', count(1), 50)
  .option('--latency <ms>', 'simulator API latency', count(0), 50)
  .option('--batch <n>', 'EXTRACTOR_BATCH_SIZE', count(1), 1000)
  .option('--wave <n>', 'journeys in flight at once in the backlog (order=waves)', count(1), 250)
  .addOption(new Option('--order <o>', 'backlog order').choices(['waves', 'random']).default('waves'))
  .option('--concurrency <n>', 'FENX_MAX_CONCURRENCY and EXTRACTOR_FETCH_CONCURRENCY', count(1), 10)
  .option('--partitions <n>', 'EXTRACTOR_PARTITIONS_CONCURRENTLY', count(1), 4)
  .option(
    '--fetch-bytes <n>',
    'EXTRACTOR_FETCH_MAX_BYTES_PER_PARTITION (whole fetch: 4x)',
    count(1024),
    4 * 1024 * 1024,
  )
  .option('--produce-batch <n>', 'events per produce call while the backlog is written', count(1), 6000)
  .option('--seed <n>', 'shuffle seed', integer(), 1)
  .option(
    '--replicas <n>',
    'continuous extractors in one group sharing the budget (1: one extractor in once mode)',
    count(1),
    1,
  )
  .addOption(
    new Option('--coalesce <b>', 'EXTRACTOR_COALESCE: backlog-wide coalescing, or chunks of --batch records')
      .choices(['true', 'false'])
      .default('true'),
  )
  .action((o: Options) => main(o));
runMain(program);
