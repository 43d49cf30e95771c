import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { workspaceRoot } from '@nx/devkit';
import { FenxClient, fenxClientSettings, seededRandom } from '@fenx/fenx-client';
import { sign } from '@fenx/hmac';
import { Progress } from '@fenx/cli';
import { consumerGroupLag, createKafka, KafkaClient, KafkaProducer, topicOffsets, TOPICS } from '@fenx/kafka';
import { KafkaCluster } from '@fenx/kafka/testing';
import { AppProcess, freePort, StackPorts, startSimulator, SIMULATOR_DEFAULTS, waitFor } from '@fenx/testing';
import { checkEndState, EndStateReport, PipelineState } from './end-state';
import { bodyHash, LiveTail, OutputTail, Topic1Tail } from './live-tail';
import { FaultKind, PlannedFault, planFaults } from './plan';
import { LakeRowCounter, TimelineSample } from './timeline';

/** One pipeline app of the soak, started from its build with the given settings. */
export interface SoakApp {
  name: string;
  env: Record<string, string>;
  args?: string[];
  /** Answers 2xx once the app is ready (its /health/ready). */
  readyUrl?: string;
}

export type SoakPorts = Omit<StackPorts, 'simulator'>;

export interface SoakOptions {
  seed: number;
  /** Notifications of the activity burst (journeys and entities) and of the migration burst (entities). */
  activityEvents: number;
  migrationEvents: number;
  /** Faults start within this window after the bursts started. */
  faultWindowMs: number;
  extraFaults: number;
  faultKinds?: readonly FaultKind[];
  /** Fuzz requests sent to radar during the run (half signed, half unsigned or tampered). */
  fuzzRequests: number;
  /** Malformed records written straight into topic 1 for the extractors. */
  malformedRecords: number;
  /** Gives up converging after this long once the last fault was undone. */
  convergeTimeoutMs: number;
  /** The apps, given the broker's settings, the simulator's URL and free ports. */
  apps: (ctx: {
    kafkaEnv: Record<string, string>;
    simulatorUrl: string;
    ports: SoakPorts;
    lakeDir: string;
  }) => SoakApp[];
  /** Simulator settings on top of the soak's own (time scale, delivery window). */
  simulatorEnv?: Record<string, string>;
  log?: (line: string) => void;
}

export interface FaultRecord extends PlannedFault {
  startedAt: number;
  endedAt: number;
  note?: string;
}

export interface FuzzReport {
  sent: number;
  signedAccepted: number;
  signedAnswered: Record<string, number>;
  unsignedAnswered: Record<string, number>;
  /** Unsigned or tampered requests answered 2xx: must be 0. */
  unsignedAccepted: number;
  /** Signed bodies answered 2xx whose record is not in topic 1: must be 0. */
  acceptedNotStored: number;
}

export interface SoakResult {
  options: Omit<SoakOptions, 'apps' | 'log'>;
  startedAt: string;
  durationMs: number;
  faults: FaultRecord[];
  /** Time from the end of the last fault to a complete end state. */
  convergedAfterLastFaultMs: number | null;
  endState: EndStateReport;
  fuzz: FuzzReport;
  malformed: { written: number; deadLettered: number };
  peakRssMb: Record<string, number>;
  /**
   * Records retention deleted during the run, per topic (topic 1 and the
   * detail topics; the live tails saw them before).
   */
  droppedByRetention: Record<string, number>;
  crashes: { app: string; code: number | null; signal: string | null }[];
  /** Every 5 s from the start of the bursts: delivery, topic-1 lag, detail records, lake rows. */
  timeline: TimelineSample[];
  ok: boolean;
}

/** How often the timeline is sampled (and the progress line refreshed). */
const TIMELINE_INTERVAL_MS = 5000;

const execFileAsync = promisify(execFile);
const RADAR_SECRET = SIMULATOR_DEFAULTS.webhookSecret;
/** The topics that take the bursts: more partitions than the manifest's, and watched for what the size retention drops. */
const BUSY_TOPICS: string[] = [
  TOPICS.webhookEvents.name,
  TOPICS.journeyDetails.name,
  TOPICS.entityDetails.name,
];

function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status) ?? /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The whole local pipeline under a burst, with faults injected at reproducible moments, checked
 * at the end against the simulator's ground truth.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const random = seededRandom(options.seed ^ 0x5eed);
  // Three KRaft nodes; the manifest's topics as production has them.
  const broker = await KafkaCluster.start({ brokers: 3 });
  const lakeDir = mkdtempSync(join(tmpdir(), 'soak-lake-'));
  const kafkaEnv = broker.env();
  const kafka = createKafka(broker.settings(), { logCreator: () => () => undefined });
  const ports: SoakPorts = {
    radar: await freePort(),
    journeyExtractor: await freePort(),
    entityExtractor: await freePort(),
    lakeSink: await freePort(),
  };
  const radarUrl = `http://127.0.0.1:${ports.radar}`;
  const sim = await startSimulator({
    SIM_SEED: `soak-${options.seed}`,
    SIM_AUTOSTART: 'false',
    // Thousands of entities and a hundred journeys at once, as a bank's tenant has (the default 20 entities
    // would put every entity event of a burst on a few keys).
    SIM_ENTITIES: '3000',
    SIM_JOURNEYS: '100',
    SIM_WEBHOOK_URL: `${radarUrl}/webhooks/fenx`,
    SIM_TIME_SCALE: '120',
    SIM_DELIVERY_WINDOW: '16',
    SIM_STEP_INTERVAL_MS: '3600000',
    // A production tenant's limit (200 calls/s, 50 in flight), shared by the two extractors (see apps.ts).
    SIM_RATE_LIMIT: 'production',
    ...options.simulatorEnv,
  });
  const control = sim.control;
  const specs = options.apps({ kafkaEnv, simulatorUrl: sim.url, ports, lakeDir });
  const apps = new Map<string, AppProcess>();
  const peak: Record<string, number> = {};
  const crashes: SoakResult['crashes'] = [];
  const intentional = new Set<AppProcess>();
  const sample = () => {
    for (const [name, app] of apps) peak[name] = Math.max(peak[name] ?? 0, rssMb(app.pid));
    peak['fenx-simulator'] = Math.max(peak['fenx-simulator'] ?? 0, rssMb(sim.app.pid));
  };
  const watch = (app: AppProcess) =>
    void app.exited().then((e) => {
      if (intentional.has(app)) return;
      crashes.push({ app: app.options.name, code: e.code, signal: e.signal });
      log(
        `${app.options.name} exited unexpectedly (code ${e.code}, signal ${e.signal}); its last lines:\n${app
          .output()
          .slice(-25)
          .join('\n')}`,
      );
    });
  const startApp = async (spec: SoakApp) => {
    const app = new AppProcess({ name: spec.name, env: spec.env, args: spec.args, readyUrl: spec.readyUrl });
    await app.start();
    apps.set(spec.name, app);
    watch(app);
    return app;
  };
  // Two planned restarts of one app may overlap: the second waits for the first to finish, so two
  // processes of one app never race for its port.
  const restarting = new Map<string, Promise<unknown>>();
  const restart = (name: string, signal: NodeJS.Signals, downMs: number): Promise<string | undefined> => {
    const run = async () => {
      const app = apps.get(name);
      if (!app) return `${name} is not part of this stack`;
      sample();
      intentional.add(app);
      if (signal === 'SIGKILL') app.kill('SIGKILL');
      else await app.stop();
      await app.exited();
      await sleep(downMs);
      const spec = specs.find((s) => s.name === name);
      if (spec) await startApp(spec);
      return undefined;
    };
    const next = (restarting.get(name) ?? Promise.resolve()).catch(() => undefined).then(run);
    restarting.set(name, next);
    return next;
  };
  const sampler = setInterval(sample, 1000);
  const tails: LiveTail[] = [];
  const faults: FaultRecord[] = [];
  const timeline: TimelineSample[] = [];
  let sampling = true;
  try {
    for (const spec of specs) await startApp(spec);
    log(`stack up: ${[...apps.keys()].join(', ')}; simulator ${sim.url}`);
    const webhookId = (await control.groundTruth()).webhooks[0]?.id;
    if (!webhookId) throw new Error('the simulator registered no webhook');
    const fenx = new FenxClient(
      fenxClientSettings({
        baseUrl: sim.url,
        tenantId: SIMULATOR_DEFAULTS.tenantId,
        clientId: SIMULATOR_DEFAULTS.clientId,
        clientSecret: SIMULATOR_DEFAULTS.clientSecret,
      }),
    );
    const webhook = (await fenx.listWebhooks()).find((w) => w.id === webhookId);
    const setEnabled = (enabled: boolean) =>
      fenx.updateWebhook(webhookId, {
        name: webhook?.name ?? 'fenx-pipeline',
        url: webhook?.url ?? `${radarUrl}/webhooks/fenx`,
        eventTypes: webhook?.eventTypes ?? ['*'],
        enabled,
      });

    const execute = async (f: PlannedFault): Promise<string | undefined> => {
      switch (f.kind) {
        case 'broker-down':
          await broker.kill(f.broker ?? 1);
          await sleep(f.forMs);
          await broker.restart(f.broker ?? 1);
          return `broker ${f.broker} killed (SIGKILL), restarted`;
        case 'broker-pause':
          broker.pause(f.broker ?? 1);
          await sleep(f.forMs);
          broker.resume(f.broker ?? 1);
          return `broker ${f.broker} frozen (SIGSTOP), resumed`;
        case 'radar-restart':
          return restart('radar', 'SIGTERM', f.forMs);
        case 'journey-extractor-kill':
          return restart('journey-extractor', 'SIGKILL', f.forMs);
        case 'entity-extractor-kill':
          return restart('entity-extractor', 'SIGKILL', f.forMs);
        case 'lake-sink-kill':
          return restart('lake-sink', 'SIGKILL', f.forMs);
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
          await setEnabled(false);
          await sleep(f.forMs);
          await setEnabled(true);
          return `webhook ${webhookId}`;
      }
    };

    // The bursts, the fuzz campaign, the malformed records and the faults run side by side.
    const tail = new Topic1Tail(kafka);
    const output = new OutputTail(kafka);
    tails.push(tail, output);
    await tail.start();
    await output.start();
    await control.startBurst(options.activityEvents, 'activity');
    const burstStarted = Date.now();
    // The timeline and the progress of the phase running: bursts (with the faults), then convergence.
    const lakeRows = new LakeRowCounter(lakeDir);
    let phase = new Progress({
      label: 'soak burst',
      unit: 'notifications',
      total: options.activityEvents + options.migrationEvents,
      intervalMs: 30000,
    });
    let converging = false;
    const sampleTimeline = async () => {
      const burst = await control.burst().catch(() => null);
      const topic1Lag = await consumerGroupLag(kafka, 'journey-extractor', [TOPICS.webhookEvents.name], {
        oldest: false,
      }).then(
        ([l]) => l.lag,
        () => null,
      );
      const emitted = burst ? (burst.kind === 'migration' ? options.activityEvents : 0) + burst.emitted : 0;
      const sample: TimelineSample = {
        atMs: Date.now() - burstStarted,
        emitted,
        delivered: tail.ids.length,
        topic1Lag,
        details: output.journeys.size + output.entities.size,
        lakeRows: lakeRows.count(),
      };
      timeline.push(sample);
      const counts = {
        delivered: sample.delivered,
        topic1Lag: sample.topic1Lag,
        details: sample.details,
        lakeRows: sample.lakeRows,
      };
      if (converging) phase.update(phase.state().done, counts);
      else phase.update(emitted, { ...counts, faults: `${faults.length} done` });
    };
    const timelineRun = (async () => {
      while (sampling) {
        await sampleTimeline().catch(() => undefined);
        await sleep(TIMELINE_INTERVAL_MS);
      }
    })();
    const plan = planFaults({
      seed: options.seed,
      windowMs: options.faultWindowMs,
      extra: options.extraFaults,
      kinds: options.faultKinds,
    });
    log(`faults planned: ${plan.map((f) => `${f.kind}@${f.atMs}ms`).join(', ')}`);
    const faultRuns = plan.map(async (f) => {
      await sleep(Math.max(0, burstStarted + f.atMs - Date.now()));
      const startedAt = Date.now() - burstStarted;
      const note = await execute(f).catch((e: Error) => `failed: ${e.message}`);
      faults.push({ ...f, startedAt, endedAt: Date.now() - burstStarted, note });
      log(`fault ${f.kind} ${startedAt}..${Date.now() - burstStarted} ms ${note ?? ''}`);
    });
    const fuzzRun = fuzzRadar(
      radarUrl,
      options.fuzzRequests,
      random,
      () => apps.get('radar')?.running ?? false,
    );
    const malformedRun = writeMalformed(kafka, broker, options.malformedRecords);
    await waitFor(async () => (await control.burst())?.running === false, {
      timeoutMs: 30 * 60000,
      intervalMs: 500,
      what: 'the activity burst',
    });
    if (options.migrationEvents > 0) {
      await control.startBurst(options.migrationEvents, 'migration');
      await waitFor(async () => (await control.burst())?.running === false, {
        timeoutMs: 30 * 60000,
        intervalMs: 500,
        what: 'the migration burst',
      });
    }
    await Promise.all(faultRuns);
    const lastFaultEnded = Date.now();
    const fuzz = await fuzzRun;
    const malformedWritten = await malformedRun;
    // FenX's activity stops here, so the end state is a fixed target.
    await control.stopGenerator();
    phase.stop({ faults: `${faults.length} done` });
    converging = true;
    phase = new Progress({ label: 'soak convergence', unit: 'records up to date', intervalMs: 30000 });
    log(`bursts done, faults undone, FenX activity stopped; fuzz ${fuzz.sent} requests; converging`);

    await waitFor(
      async () => {
        const t = await control.groundTruth();
        return t.webhooks.every((w) => w.queued === 0 && w.inFlight === 0 && w.status === 'Enabled');
      },
      {
        timeoutMs: options.convergeTimeoutMs,
        intervalMs: 1000,
        what: 'the simulator to deliver every notification',
      },
    );
    let endState: EndStateReport | undefined;
    let state: PipelineState | undefined;
    let convergedAt: number | null = null;
    const deadline = Date.now() + options.convergeTimeoutMs;
    while (Date.now() < deadline) {
      const truth = await control.groundTruth();
      const { deliveries } = await control.deliveries(webhookId);
      state = await readPipelineState(tail, output);
      state.lake = await readLake(lakeDir);
      endState = checkEndState(truth, deliveries, state);
      const parts = [
        endState.journeys,
        endState.entities,
        endState.drafts,
        endState.lake?.journeys,
        endState.lake?.entities,
      ];
      phase.setTotal(parts.reduce((n, p) => n + (p?.expected ?? 0), 0));
      phase.update(
        parts.reduce((n, p) => n + (p?.upToDate ?? 0), 0),
        { lost: endState.lost.length },
      );
      log(
        `check: lost ${endState.lost.length}, journeys ${endState.journeys.upToDate}/${endState.journeys.expected}, entities ${endState.entities.upToDate}/${endState.entities.expected}, drafts ${endState.drafts.upToDate}/${endState.drafts.expected}, lake journeys ${endState.lake?.journeys.upToDate ?? '-'}/${endState.lake?.journeys.expected ?? '-'}, lake entities ${endState.lake?.entities.upToDate ?? '-'}/${endState.lake?.entities.expected ?? '-'}`,
      );
      if (endState.complete) {
        convergedAt = Date.now();
        break;
      }
      await sleep(5000);
    }
    phase.stop();
    sampling = false;
    await timelineRun;
    if (!endState || !state) throw new Error('no end state was read');
    fuzz.acceptedNotStored = await acceptedNotStored(tail, fuzz);
    sample();
    // Malformed records the extractors dead-lettered, each counted once per dead-letter topic: an
    // extractor killed before its commit dead-letters a record again (at least once).
    const malformedDead = new Set(
      state.deadLetters.filter((d) => d.key?.startsWith('malformed-')).map((d) => `${d.topic} ${d.source}`),
    ).size;
    const result: SoakResult = {
      options: {
        seed: options.seed,
        activityEvents: options.activityEvents,
        migrationEvents: options.migrationEvents,
        faultWindowMs: options.faultWindowMs,
        extraFaults: options.extraFaults,
        faultKinds: options.faultKinds,
        fuzzRequests: options.fuzzRequests,
        malformedRecords: options.malformedRecords,
        convergeTimeoutMs: options.convergeTimeoutMs,
      },
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      faults: faults.sort((a, b) => a.startedAt - b.startedAt),
      convergedAfterLastFaultMs: convergedAt === null ? null : convergedAt - lastFaultEnded,
      endState,
      fuzz: { ...fuzz, signedAccepted: fuzz.signedAccepted },
      malformed: { written: malformedWritten, deadLettered: malformedDead },
      peakRssMb: peak,
      droppedByRetention: Object.fromEntries(
        await Promise.all(BUSY_TOPICS.map(async (t) => [t, await droppedByRetention(kafka, t)] as const)),
      ),
      crashes,
      timeline,
      ok: false,
    };
    result.ok =
      endState.complete &&
      endState.lost.length === 0 &&
      fuzz.unsignedAccepted === 0 &&
      fuzz.acceptedNotStored === 0 &&
      crashes.length === 0;
    return result;
  } finally {
    sampling = false;
    clearInterval(sampler);
    for (const t of tails) await t.stop().catch(() => undefined);
    for (const app of apps.values()) {
      intentional.add(app);
      await app.stop();
    }
    await sim.stop();
    await broker.stop();
    rmSync(lakeDir, { recursive: true, force: true });
  }
}

/** Records a topic no longer holds from its start: offsets begin at 0, so the sum of the low watermarks. */
async function droppedByRetention(kafka: KafkaClient, topic: string): Promise<number> {
  return (await topicOffsets(kafka, topic)).reduce((n, o) => n + Number(o.low), 0);
}

/** The lake views' latest journeys and entities, through the lake-sink command an operator would use. */
export async function readLake(lakeDir: string): Promise<NonNullable<PipelineState['lake']>> {
  const sql = async (query: string) => {
    const { stdout } = await execFileAsync(
      process.execPath,
      [
        join(workspaceRoot, 'dist', 'apps', 'lake-sink', 'main.js'),
        'sql',
        query,
        '--lake',
        lakeDir,
        '--format',
        'json',
      ],
      { maxBuffer: 256 * 1024 * 1024 },
    );
    return JSON.parse(stdout) as { id: string; state: string; version: number | null }[];
  };
  const toMap = (rows: { id: string; state: string; version: number | null }[]) =>
    new Map(rows.map((r) => [r.id, { state: r.state, version: r.version }]));
  return {
    journeys: toMap(await sql('SELECT journey_id AS id, state, version FROM journeys')),
    entities: toMap(await sql('SELECT entity_id AS id, state, version FROM entities')),
  };
}

/** What the live tails saw of topic 1, the detail topics and the dead-letter topics, once they are caught up. */
export async function readPipelineState(topic1: Topic1Tail, output: OutputTail): Promise<PipelineState> {
  await output.caughtUp();
  return {
    topic1NotificationIds: [...topic1.ids],
    journeys: new Map(output.journeys),
    entities: new Map(output.entities),
    deadLetters: [...output.deadLetters],
  };
}

function randomBytes(random: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(random() * 256);
  return b;
}

/** Random and mutated requests: signed ones must be stored when accepted, unsigned ones never accepted. */
async function fuzzRadar(
  radarUrl: string,
  count: number,
  random: () => number,
  radarUp: () => boolean,
): Promise<FuzzReport & { acceptedBodies: string[] }> {
  const report = {
    sent: 0,
    signedAccepted: 0,
    signedAnswered: {} as Record<string, number>,
    unsignedAnswered: {} as Record<string, number>,
    unsignedAccepted: 0,
    acceptedNotStored: 0,
    acceptedBodies: [] as string[],
  };
  const valid = JSON.stringify({
    Id: 'fuzz',
    TenantId: SIMULATOR_DEFAULTS.tenantId,
    EventType: 'journey:taskcompleted',
    RelativeUrl: 'journeyquery/api/journey-instance/fuzz-journey',
    Payload: {},
    When: new Date().toISOString(),
  });
  for (let i = 0; i < count; i++) {
    if (!radarUp()) {
      await sleep(200);
      continue;
    }
    const shape = Math.floor(random() * 5);
    let body: Buffer;
    if (shape === 0) body = randomBytes(random, Math.floor(random() * 2000));
    else if (shape === 1)
      body = Buffer.from(valid.replace('fuzz', `fuzz-${i}`).slice(0, Math.floor(random() * valid.length)));
    else if (shape === 2) body = Buffer.from(valid.replace('"fuzz"', `"fuzz-${i}-\u00e9\u4e2d\ud83d\ude00"`));
    else if (shape === 3) body = Buffer.alloc(0);
    else
      body = Buffer.from(
        valid.replace('"fuzz"', `"fuzz-${i}"`).replace('journey:taskcompleted', 'journey:whatever'),
      );
    const signed = random() < 0.5;
    const headers: Record<string, string> = {
      'content-type': random() < 0.8 ? 'application/json' : 'text/plain',
    };
    if (signed) headers['x-fenx-signature'] = sign(body, RADAR_SECRET);
    else if (random() < 0.5) {
      const sig = sign(body, RADAR_SECRET);
      headers['x-fenx-signature'] = sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');
    }
    // A radar process that is starting again refuses connections for a few seconds: the same case is
    // sent again until it answers (up to 10 s), so the campaign's cases reach radar.
    let res: Response | undefined;
    for (let attempt = 0; attempt < 50 && !res; attempt++) {
      if (attempt > 0) await sleep(200);
      res = await fetch(`${radarUrl}/webhooks/fenx`, { method: 'POST', headers, body }).catch(
        () => undefined,
      );
    }
    report.sent++;
    const status = res ? String(res.status) : 'no-answer';
    await res?.arrayBuffer().catch(() => undefined);
    const bucket = signed ? report.signedAnswered : report.unsignedAnswered;
    bucket[status] = (bucket[status] ?? 0) + 1;
    if (res && res.status < 300) {
      if (signed) {
        report.signedAccepted++;
        report.acceptedBodies.push(bodyHash(body));
      } else report.unsignedAccepted++;
    }
  }
  return report;
}

/** Signed fuzz requests radar accepted whose body the live tail of topic 1 never saw. */
async function acceptedNotStored(
  tail: Topic1Tail,
  fuzz: FuzzReport & { acceptedBodies?: string[] },
): Promise<number> {
  await tail.caughtUp();
  const missing = (fuzz.acceptedBodies ?? []).filter((h) => !tail.bodies.has(h)).length;
  delete fuzz.acceptedBodies;
  return missing;
}

/** Records no radar would write, straight into topic 1: the extractors must dead-letter or skip them. */
async function writeMalformed(kafka: KafkaClient, broker: KafkaCluster, count: number): Promise<number> {
  if (count === 0) return 0;
  const producer = new KafkaProducer(kafka, broker.settings());
  await producer.connect();
  try {
    const values = [
      'not json',
      '[]',
      '{"schema":"fenx.webhook-event.v0"}',
      '{"schema":"fenx.webhook-event.v1"}',
      '',
    ];
    const records = Array.from({ length: count }, (_, i) => ({
      key: `malformed-${i}`,
      value: values[i % values.length],
    }));
    await producer.emit(TOPICS.webhookEvents.name, records);
    return count;
  } finally {
    await producer.disconnect();
  }
}
