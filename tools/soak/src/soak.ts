import { seededRandom } from '@fenx/fenx-client';
import { consumerGroupLag, KafkaClient, topicOffsets, TopicLag } from '@fenx/kafka';
import { TOPICS } from '@fenx/kafka-contracts';
import { SimulatorControl, waitFor } from '@fenx/testing';
import { EndStateReader, EndStateReport, PipelineState } from './end-state';
import { FaultRecord, scheduleFaults, webhookSwitch } from './faults';
import { acceptedNotStored, fuzzRadar, FuzzReport } from './fuzz';
import { OutputTail, Topic1Tail, LiveTail } from './live-tail';
import { malformedDeadLettered, writeMalformed } from './malformed';
import { RunMonitor } from './monitor';
import { FaultKind, planFaults } from './plan';
import { Crash, SoakStack, SoakStackOptions } from './soak-stack';
import { ComponentSample, Stall, StalledError } from './stall';
import { TimelineSample } from './timeline';

export type { Crash, SoakApp, SoakPorts } from './soak-stack';
export type { FuzzReport } from './fuzz';
export type { Stall } from './stall';
export type { FaultRecord } from './faults';
export { readLake, readPipelineState } from './end-state';

/** The soak's options; the stack's (seed, apps, simulator settings, log directory) come with them. */
export interface SoakOptions extends SoakStackOptions {
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
  /**
   * Fails the run at once, naming the part, when one part of the pipeline has input waiting and moves on
   * for none of it for this long. Default 5 minutes.
   */
  stallTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface SoakResult {
  options: Omit<SoakOptions, 'apps' | 'log' | 'logDir'>;
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
  /** Apps that exited on their own (each started again after a back-off), with their last lines. */
  crashes: Crash[];
  /** The part of the pipeline that stopped moving on while its input waited (the run failed fast). */
  stall?: Stall & { crashes: number };
  /** Every app's output, one file per app; kept when the run failed. */
  logDir: string;
  logsKept: boolean;
  /** Every 5 s from the start of the bursts: delivery, topic-1 and lake lag, detail records, lake rows. */
  timeline: TimelineSample[];
  ok: boolean;
}

/** How often the timeline is sampled (and the progress line refreshed). */
const TIMELINE_INTERVAL_MS = 5000;
const DEFAULT_STALL_TIMEOUT_MS = 5 * 60000;

/** The topics that take the bursts: more partitions than the manifest's, and watched for what the size retention drops. */
const BUSY_TOPICS: string[] = [
  TOPICS.webhookEvents.name,
  TOPICS.journeyDetails.name,
  TOPICS.entityDetails.name,
];

/** What lake-sink reads, one consumer group `lake-sink.<topic>` each. */
const LAKE_TOPICS: string[] = [
  TOPICS.journeyDetails.name,
  TOPICS.entityDetails.name,
  TOPICS.webhookEvents.name,
  TOPICS.journeyExtractorDeadLetter.name,
  TOPICS.entityExtractorDeadLetter.name,
];

/** The consumers the soak watches: lag and committed positions of each group. */
const CONSUMERS: { component: string; input: string; groups: { groupId: string; topic: string }[] }[] = [
  {
    component: 'journey-extractor',
    input: 'topic 1',
    groups: [{ groupId: 'journey-extractor', topic: TOPICS.webhookEvents.name }],
  },
  {
    component: 'entity-extractor',
    input: 'topic 1',
    groups: [{ groupId: 'entity-extractor', topic: TOPICS.webhookEvents.name }],
  },
  {
    component: 'lake-sink',
    input: 'the lake topics',
    groups: LAKE_TOPICS.map((topic) => ({ groupId: `lake-sink.${topic}`, topic })),
  },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Lag (records waiting) and position (sum of committed offsets) of one consumer's groups. */
async function consumerState(
  kafka: KafkaClient,
  groups: { groupId: string; topic: string }[],
): Promise<{ lag: number; position: number } | null> {
  try {
    let lag = 0;
    let position = 0;
    for (const g of groups) {
      const [t]: TopicLag[] = await consumerGroupLag(kafka, g.groupId, [g.topic], { oldest: false });
      lag += t.lag;
      for (const p of t.partitions) position += Number(p.high) - p.lag;
    }
    return { lag, position };
  } catch {
    return null; // Kafka did not answer this time (a broker down)
  }
}

/** One look at every part: radar (deliveries waiting, records stored) and each consumer. */
async function lookAtParts(
  kafka: KafkaClient,
  control: SimulatorControl,
  tail: Topic1Tail,
): Promise<{ samples: ComponentSample[]; topic1Lag: number | null; lakeLag: number | null }> {
  const truth = await control.groundTruth().catch(() => null);
  const waiting = truth ? truth.webhooks.reduce((n, w) => n + w.queued + w.inFlight, 0) : null;
  const disabled = truth?.webhooks.filter((w) => w.status !== 'Enabled').map((w) => `${w.id} ${w.status}`);
  const samples: ComponentSample[] = [
    {
      component: 'radar',
      // FenX disables a webhook after its last retry: then nothing is delivered whatever radar does.
      input: disabled?.length
        ? `webhook deliveries (webhook ${disabled.join(', ')} at FenX)`
        : 'webhook deliveries',
      lag: waiting,
      progress: tail.ids.length,
    },
  ];
  const byComponent = new Map<string, { lag: number; position: number } | null>();
  for (const c of CONSUMERS) {
    const state = await consumerState(kafka, c.groups);
    byComponent.set(c.component, state);
    samples.push({
      component: c.component,
      input: c.input,
      lag: state?.lag ?? null,
      progress: state?.position ?? null,
    });
  }
  return {
    samples,
    topic1Lag: byComponent.get('journey-extractor')?.lag ?? null,
    lakeLag: byComponent.get('lake-sink')?.lag ?? null,
  };
}

/** What the steps of one run share. */
interface SoakRun {
  options: SoakOptions;
  log: (line: string) => void;
  /** Before the stack started. */
  started: number;
  stack: SoakStack;
  control: SimulatorControl;
  stallTimeoutMs: number;
  /** True once the run is over: the timeline, the faults not started yet and the fuzz campaign stop. */
  over: boolean;
  /** Set when the run failed fast: what the drive still waits for ends at once. */
  halted: boolean;
  /** The live tails, stopped when the run ends. */
  tails: LiveTail[];
  faults: FaultRecord[];
}

/** The traffic under way: FenX's webhook, the live tails, when the bursts started, the end-state reader. */
interface Traffic {
  webhookId: string;
  setWebhookEnabled: (enabled: boolean) => Promise<unknown>;
  tail: Topic1Tail;
  output: OutputTail;
  burstStarted: number;
  endState: EndStateReader;
}

/** What runs beside the bursts: the faults, the fuzz campaign and the malformed records. */
interface Load {
  faultRuns: Promise<void>[];
  fuzzRun: Promise<FuzzReport & { acceptedBodies: string[] }>;
  malformedRun: Promise<number>;
}

/** When the last fault was undone, and when the end state was complete. */
interface Convergence {
  lastFaultEnded: number;
  convergedAt: number | null;
}

/** How the drive ended: converged or not (`convergence`, still set by a drive cut short), or failed fast. */
interface DriveEnd {
  convergence: Convergence;
  stall: SoakResult['stall'];
}

/**
 * The whole local pipeline under a burst, with faults injected at reproducible moments, checked
 * at the end against the simulator's ground truth. Apps that exit on their own are restarted (and
 * reported); a part that stops moving on while its input waits fails the run at once.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const random = seededRandom(options.seed ^ 0x5eed);
  const run = await startStack(options, log, started);
  let ok = false;
  try {
    const traffic = await startTraffic(run);
    const monitor = startMonitor(run, traffic);
    const load = startLoad(run, traffic, random);
    const end = await driveOrFailFast(run, traffic, monitor, load);
    await endSampling(run, monitor);
    const result = await assembleReport(run, traffic, monitor, load, end);
    ok = result.ok;
    return result;
  } finally {
    await stopRun(run, ok);
  }
}

/** Kafka, the simulator and every app, each ready. */
async function startStack(
  options: SoakOptions,
  log: (line: string) => void,
  started: number,
): Promise<SoakRun> {
  const stack = await SoakStack.start({
    seed: options.seed,
    apps: options.apps,
    simulatorEnv: options.simulatorEnv,
    logDir: options.logDir,
    log,
  });
  return {
    options,
    log,
    started,
    stack,
    control: stack.sim.control,
    stallTimeoutMs: options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
    over: false,
    halted: false,
    tails: [],
    faults: [],
  };
}

/** Finds FenX's webhook, starts the live tails, then the activity burst. */
async function startTraffic(run: SoakRun): Promise<Traffic> {
  const { stack, control, log } = run;
  log(`stack up: ${stack.names.join(', ')}; simulator ${stack.sim.url}; app logs in ${stack.logDir}`);
  const webhookId = (await control.groundTruth()).webhooks[0]?.id;
  if (!webhookId) throw new Error('the simulator registered no webhook');
  const setWebhookEnabled = await webhookSwitch(stack.sim.url, webhookId, stack.radarUrl);

  // The bursts, the fuzz campaign, the malformed records and the faults run side by side.
  const tail = new Topic1Tail(stack.kafka);
  const output = new OutputTail(stack.kafka);
  run.tails.push(tail, output);
  await tail.start();
  await output.start();
  await control.startBurst(run.options.activityEvents, 'activity');
  const burstStarted = Date.now();
  const endState = new EndStateReader(control, webhookId, tail, output, stack.lakeDir);
  return { webhookId, setWebhookEnabled, tail, output, burstStarted, endState };
}

/** The timeline and the progress of the phase running: bursts (with the faults), then convergence. */
function startMonitor(run: SoakRun, traffic: Traffic): RunMonitor {
  const { stack, control, options } = run;
  return new RunMonitor({
    stack,
    control,
    tail: traffic.tail,
    output: traffic.output,
    burstStarted: traffic.burstStarted,
    activityEvents: options.activityEvents,
    migrationEvents: options.migrationEvents,
    stallTimeoutMs: run.stallTimeoutMs,
    faults: run.faults,
    lookAtParts: () => lookAtParts(stack.kafka, control, traffic.tail),
    over: () => run.over,
    intervalMs: TIMELINE_INTERVAL_MS,
  });
}

/** The faults at their planned moments, the fuzz campaign and the malformed records, beside the bursts. */
function startLoad(run: SoakRun, traffic: Traffic, random: () => number): Load {
  const { options, stack, control, log } = run;
  const plan = planFaults({
    seed: options.seed,
    windowMs: options.faultWindowMs,
    extra: options.extraFaults,
    kinds: options.faultKinds,
  });
  log(`faults planned: ${plan.map((f) => `${f.kind}@${f.atMs}ms`).join(', ')}`);
  const faultRuns = scheduleFaults(
    plan,
    { stack, control, webhookId: traffic.webhookId, setWebhookEnabled: traffic.setWebhookEnabled },
    { burstStarted: traffic.burstStarted, over: () => run.over, done: run.faults, log },
  );
  const fuzzRun = fuzzRadar(
    stack.radarUrl,
    options.fuzzRequests,
    random,
    () => stack.running('radar') !== undefined,
    () => run.over,
  );
  const malformedRun = writeMalformed(stack.kafka, stack.broker, options.malformedRecords).catch(
    (e: Error) => {
      log(`writing the malformed records failed: ${e.message}`);
      return 0;
    },
  );
  return { faultRuns, fuzzRun, malformedRun };
}

/** Drives the run to its end state; when a part stalls first, fails fast and returns the stall. */
async function driveOrFailFast(
  run: SoakRun,
  traffic: Traffic,
  monitor: RunMonitor,
  load: Load,
): Promise<DriveEnd> {
  const convergence: Convergence = { lastFaultEnded: Date.now(), convergedAt: null };
  try {
    await Promise.race([drive(run, traffic.endState, monitor, load, convergence), monitor.stalled]);
    return { convergence, stall: undefined };
  } catch (error) {
    if (!(error instanceof StalledError)) throw error;
    return { convergence, stall: await failFast(run, error, traffic.endState) };
  }
}

/** The bursts and the faults run out, FenX's activity stops, then the pipeline converges. */
async function drive(
  run: SoakRun,
  endState: EndStateReader,
  monitor: RunMonitor,
  load: Load,
  convergence: Convergence,
): Promise<void> {
  await waitForBursts(run);
  await Promise.all(load.faultRuns);
  if (run.halted) return;
  convergence.lastFaultEnded = Date.now();
  // The campaign runs to its count as before the convergence (a run that failed fast cuts it short).
  const sent = (await load.fuzzRun).sent;
  // FenX's activity stops here, so the end state is a fixed target.
  await run.control.stopGenerator();
  monitor.startConvergence(run.faults.length);
  run.log(`bursts done, faults undone, FenX activity stopped; fuzz ${sent} requests; converging`);
  await waitForDeliveries(run);
  await waitForEndState(run, monitor, endState, convergence);
}

/** The activity burst, then the migration burst (if any), emitted to the end. */
async function waitForBursts(run: SoakRun): Promise<void> {
  await waitForBurst(run, 'the activity burst');
  if (run.options.migrationEvents > 0) {
    if (run.halted) return;
    await run.control.startBurst(run.options.migrationEvents, 'migration');
    await waitForBurst(run, 'the migration burst');
  }
}

function waitForBurst(run: SoakRun, what: string): Promise<unknown> {
  return waitFor(async () => run.halted || (await run.control.burst())?.running === false, {
    timeoutMs: 30 * 60000,
    intervalMs: 500,
    what,
  });
}

/** The simulator delivered every notification, with its webhooks enabled. */
async function waitForDeliveries(run: SoakRun): Promise<void> {
  await waitFor(
    async () => {
      if (run.halted) return true;
      const t = await run.control.groundTruth();
      return t.webhooks.every((w) => w.queued === 0 && w.inFlight === 0 && w.status === 'Enabled');
    },
    {
      timeoutMs: run.options.convergeTimeoutMs,
      intervalMs: 1000,
      what: 'the simulator to deliver every notification',
    },
  );
}

/** Checks the end state every 5 s until it is complete (the time is recorded) or the timeout passed. */
async function waitForEndState(
  run: SoakRun,
  monitor: RunMonitor,
  endState: EndStateReader,
  convergence: Convergence,
): Promise<void> {
  const deadline = Date.now() + run.options.convergeTimeoutMs;
  while (!run.halted && Date.now() < deadline) {
    const e = await endState.read();
    monitor.showConvergence(e);
    run.log(
      `check: lost ${e.lost.length}, journeys ${e.journeys.upToDate}/${e.journeys.expected}, entities ${e.entities.upToDate}/${e.entities.expected}, drafts ${e.drafts.upToDate}/${e.drafts.expected}, lake journeys ${e.lake?.journeys.upToDate ?? '-'}/${e.lake?.journeys.expected ?? '-'}, lake entities ${e.lake?.entities.upToDate ?? '-'}/${e.lake?.entities.expected ?? '-'}, lake lag ${monitor.lastLakeLag ?? '-'}`,
    );
    if (e.complete) {
      convergence.convergedAt = Date.now();
      break;
    }
    await sleep(5000);
  }
}

/** A part stalled: the drive stops waiting, the stalled part's last crash is logged, the end state read once. */
async function failFast(
  run: SoakRun,
  error: StalledError,
  endState: EndStateReader,
): Promise<SoakResult['stall']> {
  run.halted = true;
  const { stall } = error;
  run.log(`FAILED FAST: ${error.message}`);
  const last = run.stack.crashesOf(stall.component).at(-1);
  if (last)
    run.log(
      `${stall.component}'s last crash (code ${last.code}, signal ${last.signal}):\n${last.lastLines.join('\n')}`,
    );
  await endState.read().catch(() => undefined);
  return stall;
}

/** The progress line ends, the run is over (what still runs beside it stops), the last sample is in. */
async function endSampling(run: SoakRun, monitor: RunMonitor): Promise<void> {
  monitor.stopProgress();
  run.over = true;
  await monitor.stopped();
}

/** The report: the end state read last, the fuzz campaign's and the malformed records' counts, the stack's. */
async function assembleReport(
  run: SoakRun,
  traffic: Traffic,
  monitor: RunMonitor,
  load: Load,
  { convergence, stall }: DriveEnd,
): Promise<SoakResult> {
  const { options, stack } = run;
  const { endState } = traffic;
  if (!endState.report || !endState.state) throw new Error('no end state was read');
  const finalState: PipelineState = endState.state;
  const finalEnd: EndStateReport = endState.report;
  const fuzz = await load.fuzzRun;
  fuzz.acceptedNotStored = await acceptedNotStored(traffic.tail, fuzz);
  const malformedWritten = await load.malformedRun;
  stack.sample();
  const malformedDead = malformedDeadLettered(finalState.deadLetters);
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
      stallTimeoutMs: run.stallTimeoutMs,
    },
    startedAt: new Date(run.started).toISOString(),
    durationMs: Date.now() - run.started,
    faults: run.faults.sort((a, b) => a.startedAt - b.startedAt),
    convergedAfterLastFaultMs:
      convergence.convergedAt === null ? null : convergence.convergedAt - convergence.lastFaultEnded,
    endState: finalEnd,
    fuzz: { ...fuzz, signedAccepted: fuzz.signedAccepted },
    malformed: { written: malformedWritten, deadLettered: malformedDead },
    peakRssMb: stack.peakRssMb,
    droppedByRetention: Object.fromEntries(
      await Promise.all(BUSY_TOPICS.map(async (t) => [t, await droppedByRetention(stack.kafka, t)] as const)),
    ),
    crashes: [...stack.crashes],
    ...(stall ? { stall } : {}),
    logDir: stack.logDir,
    logsKept: false,
    timeline: monitor.timeline,
    ok: false,
  };
  result.ok =
    !stall &&
    finalEnd.complete &&
    finalEnd.lost.length === 0 &&
    fuzz.unsignedAccepted === 0 &&
    fuzz.acceptedNotStored === 0 &&
    stack.crashes.length === 0;
  result.logsKept = !result.ok;
  return result;
}

/** Stops what still runs beside the run, the live tails and the stack (keeping the logs of a failed run). */
async function stopRun(run: SoakRun, ok: boolean): Promise<void> {
  run.over = true;
  for (const t of run.tails) await t.stop().catch(() => undefined);
  await run.stack.stop(!ok);
  if (!ok) run.log(`app logs kept in ${run.stack.logDir}`);
}

/** Records a topic no longer holds from its start: offsets begin at 0, so the sum of the low watermarks. */
async function droppedByRetention(kafka: KafkaClient, topic: string): Promise<number> {
  return (await topicOffsets(kafka, topic)).reduce((n, o) => n + Number(o.low), 0);
}
