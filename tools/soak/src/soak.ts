import { seededRandom } from '@fenx/fenx-client';
import { Progress } from '@fenx/cli';
import { consumerGroupLag, KafkaClient, topicOffsets, TopicLag, TOPICS } from '@fenx/kafka';
import { SimulatorControl, waitFor } from '@fenx/testing';
import { checkEndState, EndStateReport, PipelineState, readLake, readPipelineState } from './end-state';
import { executeFault, webhookSwitch } from './faults';
import { acceptedNotStored, fuzzRadar, FuzzReport } from './fuzz';
import { OutputTail, Topic1Tail, LiveTail } from './live-tail';
import { writeMalformed } from './malformed';
import { FaultKind, PlannedFault, planFaults } from './plan';
import { Crash, SoakStack, SoakStackOptions } from './soak-stack';
import { ComponentSample, Stall, StallDetector } from './stall';
import { LakeRowCounter, TimelineSample } from './timeline';

export type { Crash, SoakApp, SoakPorts } from './soak-stack';
export type { FuzzReport } from './fuzz';
export type { Stall } from './stall';
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

export interface FaultRecord extends PlannedFault {
  startedAt: number;
  endedAt: number;
  note?: string;
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

class StalledError extends Error {
  constructor(readonly stall: Stall & { crashes: number }) {
    super(
      `${stall.component} stopped progressing: ${stall.lag} records of ${stall.input} wait and it moved on for none of them in ${Math.round(stall.forMs / 1000)} s (${stall.crashes} crashes of it so far)`,
    );
  }
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
  const stack = await SoakStack.start({
    seed: options.seed,
    apps: options.apps,
    simulatorEnv: options.simulatorEnv,
    logDir: options.logDir,
    log,
  });
  const { kafka, sim } = stack;
  const control = sim.control;
  const tails: LiveTail[] = [];
  const faults: FaultRecord[] = [];
  const timeline: TimelineSample[] = [];
  const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  let sampling = true;
  let ok = false;
  try {
    log(`stack up: ${stack.names.join(', ')}; simulator ${sim.url}; app logs in ${stack.logDir}`);
    const webhookId = (await control.groundTruth()).webhooks[0]?.id;
    if (!webhookId) throw new Error('the simulator registered no webhook');
    const setWebhookEnabled = await webhookSwitch(sim.url, webhookId, stack.radarUrl);

    // The bursts, the fuzz campaign, the malformed records and the faults run side by side.
    const tail = new Topic1Tail(kafka);
    const output = new OutputTail(kafka);
    tails.push(tail, output);
    await tail.start();
    await output.start();
    await control.startBurst(options.activityEvents, 'activity');
    const burstStarted = Date.now();
    // The timeline and the progress of the phase running: bursts (with the faults), then convergence.
    const lakeRows = new LakeRowCounter(stack.lakeDir);
    let phase = new Progress({
      label: 'soak burst',
      unit: 'notifications',
      total: options.activityEvents + options.migrationEvents,
      intervalMs: 30000,
    });
    let converging = false;
    const stalls = new StallDetector(stallTimeoutMs);
    let stalled: ((e: StalledError) => void) | undefined;
    const stalledRun = new Promise<never>((_, reject) => (stalled = reject));
    stalledRun.catch(() => undefined);
    const sampleTimeline = async () => {
      const burst = await control.burst().catch(() => null);
      const parts = await lookAtParts(kafka, control, tail);
      const emitted = burst ? (burst.kind === 'migration' ? options.activityEvents : 0) + burst.emitted : 0;
      const sample: TimelineSample = {
        atMs: Date.now() - burstStarted,
        emitted,
        delivered: tail.ids.length,
        topic1Lag: parts.topic1Lag,
        lakeLag: parts.lakeLag,
        details: output.journeys.size + output.entities.size,
        lakeRows: lakeRows.count(),
      };
      timeline.push(sample);
      const counts = {
        delivered: sample.delivered,
        topic1Lag: sample.topic1Lag,
        lakeLag: sample.lakeLag,
        details: sample.details,
        lakeRows: sample.lakeRows,
        crashes: stack.crashes.length,
      };
      if (converging) phase.update(phase.state().done, counts);
      else phase.update(emitted, { ...counts, faults: `${faults.length} done` });
      const stall = stalls.observe(sample.atMs, parts.samples);
      if (stall) stalled?.(new StalledError({ ...stall, crashes: stack.crashesOf(stall.component).length }));
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
      if (!sampling) return;
      const startedAt = Date.now() - burstStarted;
      const note = await executeFault(f, { stack, control, webhookId, setWebhookEnabled }).catch(
        (e: Error) => `failed: ${e.message}`,
      );
      faults.push({ ...f, startedAt, endedAt: Date.now() - burstStarted, note });
      log(`fault ${f.kind} ${startedAt}..${Date.now() - burstStarted} ms ${note ?? ''}`);
    });
    const fuzzRun = fuzzRadar(
      stack.radarUrl,
      options.fuzzRequests,
      random,
      () => stack.running('radar') !== undefined,
      () => !sampling,
    );
    const malformedRun = writeMalformed(kafka, stack.broker, options.malformedRecords).catch((e: Error) => {
      log(`writing the malformed records failed: ${e.message}`);
      return 0;
    });

    let lastFaultEnded = Date.now();
    let convergedAt: number | null = null;
    let endState: EndStateReport | undefined;
    let state: PipelineState | undefined;
    const readEndState = async () => {
      const truth = await control.groundTruth();
      const { deliveries } = await control.deliveries(webhookId);
      state = await readPipelineState(tail, output);
      state.lake = await readLake(stack.lakeDir);
      endState = checkEndState(truth, deliveries, state);
      return endState;
    };
    // Set when the run failed fast: what drive() still waits for ends at once.
    let halted = false;
    const drive = async () => {
      await waitFor(async () => halted || (await control.burst())?.running === false, {
        timeoutMs: 30 * 60000,
        intervalMs: 500,
        what: 'the activity burst',
      });
      if (options.migrationEvents > 0) {
        if (halted) return;
        await control.startBurst(options.migrationEvents, 'migration');
        await waitFor(async () => halted || (await control.burst())?.running === false, {
          timeoutMs: 30 * 60000,
          intervalMs: 500,
          what: 'the migration burst',
        });
      }
      await Promise.all(faultRuns);
      if (halted) return;
      lastFaultEnded = Date.now();
      // The campaign runs to its count as before the convergence (a run that failed fast cuts it short).
      const sent = (await fuzzRun).sent;
      // FenX's activity stops here, so the end state is a fixed target.
      await control.stopGenerator();
      phase.stop({ faults: `${faults.length} done` });
      converging = true;
      phase = new Progress({ label: 'soak convergence', unit: 'records up to date', intervalMs: 30000 });
      log(`bursts done, faults undone, FenX activity stopped; fuzz ${sent} requests; converging`);
      await waitFor(
        async () => {
          if (halted) return true;
          const t = await control.groundTruth();
          return t.webhooks.every((w) => w.queued === 0 && w.inFlight === 0 && w.status === 'Enabled');
        },
        {
          timeoutMs: options.convergeTimeoutMs,
          intervalMs: 1000,
          what: 'the simulator to deliver every notification',
        },
      );
      const deadline = Date.now() + options.convergeTimeoutMs;
      while (!halted && Date.now() < deadline) {
        const e = await readEndState();
        const parts = [e.journeys, e.entities, e.drafts, e.lake?.journeys, e.lake?.entities];
        phase.setTotal(parts.reduce((n, p) => n + (p?.expected ?? 0), 0));
        phase.update(
          parts.reduce((n, p) => n + (p?.upToDate ?? 0), 0),
          { lost: e.lost.length },
        );
        log(
          `check: lost ${e.lost.length}, journeys ${e.journeys.upToDate}/${e.journeys.expected}, entities ${e.entities.upToDate}/${e.entities.expected}, drafts ${e.drafts.upToDate}/${e.drafts.expected}, lake journeys ${e.lake?.journeys.upToDate ?? '-'}/${e.lake?.journeys.expected ?? '-'}, lake entities ${e.lake?.entities.upToDate ?? '-'}/${e.lake?.entities.expected ?? '-'}, lake lag ${timeline[timeline.length - 1]?.lakeLag ?? '-'}`,
        );
        if (e.complete) {
          convergedAt = Date.now();
          break;
        }
        await sleep(5000);
      }
    };

    let stall: SoakResult['stall'];
    try {
      await Promise.race([drive(), stalledRun]);
    } catch (error) {
      if (!(error instanceof StalledError)) throw error;
      halted = true;
      stall = error.stall;
      log(`FAILED FAST: ${error.message}`);
      const last = stack.crashesOf(stall.component).at(-1);
      if (last)
        log(
          `${stall.component}'s last crash (code ${last.code}, signal ${last.signal}):\n${last.lastLines.join('\n')}`,
        );
      await readEndState().catch(() => undefined);
    }
    phase.stop();
    sampling = false;
    await timelineRun;
    if (!endState || !state) throw new Error('no end state was read');
    const finalState: PipelineState = state;
    const finalEnd: EndStateReport = endState;
    const fuzz = await fuzzRun;
    fuzz.acceptedNotStored = await acceptedNotStored(tail, fuzz);
    const malformedWritten = await malformedRun;
    stack.sample();
    // Malformed records the extractors dead-lettered, each counted once per dead-letter topic: an
    // extractor killed before its commit dead-letters a record again (at least once).
    const malformedDead = new Set(
      finalState.deadLetters
        .filter((d) => d.key?.startsWith('malformed-'))
        .map((d) => `${d.topic} ${d.source}`),
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
        stallTimeoutMs,
      },
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      faults: faults.sort((a, b) => a.startedAt - b.startedAt),
      convergedAfterLastFaultMs: convergedAt === null ? null : convergedAt - lastFaultEnded,
      endState: finalEnd,
      fuzz: { ...fuzz, signedAccepted: fuzz.signedAccepted },
      malformed: { written: malformedWritten, deadLettered: malformedDead },
      peakRssMb: stack.peakRssMb,
      droppedByRetention: Object.fromEntries(
        await Promise.all(BUSY_TOPICS.map(async (t) => [t, await droppedByRetention(kafka, t)] as const)),
      ),
      crashes: [...stack.crashes],
      ...(stall ? { stall } : {}),
      logDir: stack.logDir,
      logsKept: false,
      timeline,
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
    ok = result.ok;
    return result;
  } finally {
    sampling = false;
    for (const t of tails) await t.stop().catch(() => undefined);
    await stack.stop(!ok);
    if (!ok) log(`app logs kept in ${stack.logDir}`);
  }
}

/** Records a topic no longer holds from its start: offsets begin at 0, so the sum of the low watermarks. */
async function droppedByRetention(kafka: KafkaClient, topic: string): Promise<number> {
  return (await topicOffsets(kafka, topic)).reduce((n, o) => n + Number(o.low), 0);
}
