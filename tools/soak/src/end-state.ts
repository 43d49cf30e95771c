import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { workspaceRoot } from '@nx/devkit';
import type { EntityDetail, JourneyDetail } from '@fenx/kafka-contracts';
import type { Delivery, GroundTruth } from '@fenx/testing';
import type { OutputTail, Topic1Tail } from './live-tail';

const execFileAsync = promisify(execFile);

/** What the pipeline holds at the end of a run, read back from Kafka (and the lake). */
export interface PipelineState {
  /** Notification ids of the topic-1 records of origin `webhook`, one entry per record. */
  topic1NotificationIds: string[];
  /** The latest journey-details record per journey id (last offset wins: one key, one partition). */
  journeys: Map<string, JourneyDetail>;
  /** The latest entity-details record per compaction key. */
  entities: Map<string, EntityDetail>;
  /** Dead-letter records: the reason, the original key and `dead-letter-source` (topic/partition/offset). */
  deadLetters: { topic: string; reason: string; key?: string; source?: string }[];
  /** The lake views' latest state (`journeys`, `entities`), when the lake was read. */
  lake?: {
    journeys: Map<string, { state: string; version: number | null }>;
    entities: Map<string, { state: string; version: number | null }>;
  };
}

export interface Shortfall {
  id: string;
  expected: string;
  found: string;
}

export interface EndStateReport {
  /** Notifications FenX counted as delivered to the pipeline's webhook (test deliveries excluded). */
  delivered: number;
  topic1Records: number;
  /** Delivered notifications not found in topic 1: must be 0. */
  lost: string[];
  /** Topic-1 records beyond one per delivered notification (FenX's duplicates, retries after a 503). */
  duplicates: number;
  journeys: { expected: number; upToDate: number; shortfalls: Shortfall[] };
  entities: { expected: number; upToDate: number; shortfalls: Shortfall[] };
  drafts: { expected: number; upToDate: number; shortfalls: Shortfall[] };
  deadLetters: { topic: string; reason: string; count: number }[];
  /** The same journeys and entities in the lake views. */
  lake?: {
    journeys: { expected: number; upToDate: number; shortfalls: Shortfall[] };
    entities: { expected: number; upToDate: number; shortfalls: Shortfall[] };
  };
  complete: boolean;
}

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
}

function dataVersion(data: unknown): number | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const v = (data as Record<string, unknown>)['version'];
  return typeof v === 'number' ? v : undefined;
}

/**
 * Compares what the pipeline holds with the simulator's ground truth: nothing delivered may be
 * missing from topic 1, and every journey, entity and draft must have its latest state.
 */
export function checkEndState(
  truth: GroundTruth,
  deliveries: Delivery[],
  state: PipelineState,
): EndStateReport {
  const delivered = deliveries.filter((d) => d.outcome === 'delivered');
  const inTopic1 = countBy(state.topic1NotificationIds, (id) => id);
  const lost = [...new Set(delivered.map((d) => d.notificationId))].filter((id) => !inTopic1.has(id));
  const distinctDelivered = new Set(delivered.map((d) => d.notificationId)).size;

  const journeyShortfalls: Shortfall[] = [];
  for (const j of truth.journeys) {
    const got = state.journeys.get(j.id);
    const found = got ? `${got.state} etag ${got.etag ?? '-'}` : 'no record';
    if (!got || got.state !== 'present' || got.etag !== j.etag)
      journeyShortfalls.push({ id: j.id, expected: `present etag ${j.etag}`, found });
  }

  const entityShortfalls: Shortfall[] = [];
  const draftShortfalls: Shortfall[] = [];
  let drafts = 0;
  for (const e of truth.entities) {
    const got = state.entities.get(e.id);
    const version = got ? (got.version ?? dataVersion(got.data)) : undefined;
    const ok = e.deleted
      ? got?.state === 'deleted' || version === e.version
      : got?.state === 'present' && version === e.version;
    if (!ok)
      entityShortfalls.push({
        id: e.id,
        expected: e.deleted ? 'deleted' : `version ${e.version}`,
        found: got ? `${got.state} version ${version ?? '-'}` : 'no record',
      });
    for (const d of e.drafts) {
      drafts++;
      const rec = state.entities.get(`${e.id}/draft/${d.id}`);
      const v = rec ? (rec.version ?? dataVersion(rec.data)) : undefined;
      if (!rec || v !== d.version)
        draftShortfalls.push({
          id: `${e.id}/draft/${d.id}`,
          expected: `version ${d.version} (${d.status})`,
          found: rec ? `${rec.state} version ${v ?? '-'}` : 'no record',
        });
    }
  }

  const deadLetters = [...countBy(state.deadLetters, (d) => `${d.topic}\u0000${d.reason}`)].map(
    ([k, count]) => {
      const [topic, reason] = k.split('\u0000');
      return { topic, reason, count };
    },
  );

  let lake: EndStateReport['lake'];
  if (state.lake) {
    const lakeJourneys: Shortfall[] = [];
    for (const j of truth.journeys) {
      const row = state.lake.journeys.get(j.id);
      if (row?.state !== 'present' || row.version !== j.version)
        lakeJourneys.push({
          id: j.id,
          expected: `present version ${j.version}`,
          found: row ? `${row.state} version ${row.version ?? '-'}` : 'no row',
        });
    }
    const lakeEntities: Shortfall[] = [];
    for (const e of truth.entities) {
      const row = state.lake.entities.get(e.id);
      const ok = e.deleted
        ? !row || row.state === 'deleted' || row.version === e.version
        : row?.state === 'present' && row.version === e.version;
      if (!ok)
        lakeEntities.push({
          id: e.id,
          expected: e.deleted ? 'deleted' : `version ${e.version}`,
          found: row ? `${row.state} version ${row.version ?? '-'}` : 'no row',
        });
    }
    lake = {
      journeys: {
        expected: truth.journeys.length,
        upToDate: truth.journeys.length - lakeJourneys.length,
        shortfalls: lakeJourneys,
      },
      entities: {
        expected: truth.entities.length,
        upToDate: truth.entities.length - lakeEntities.length,
        shortfalls: lakeEntities,
      },
    };
  }

  const report: EndStateReport = {
    delivered: distinctDelivered,
    topic1Records: state.topic1NotificationIds.length,
    lost,
    duplicates: Math.max(0, state.topic1NotificationIds.length - distinctDelivered),
    journeys: {
      expected: truth.journeys.length,
      upToDate: truth.journeys.length - journeyShortfalls.length,
      shortfalls: journeyShortfalls,
    },
    entities: {
      expected: truth.entities.length,
      upToDate: truth.entities.length - entityShortfalls.length,
      shortfalls: entityShortfalls,
    },
    drafts: { expected: drafts, upToDate: drafts - draftShortfalls.length, shortfalls: draftShortfalls },
    deadLetters,
    lake,
    complete: false,
  };
  report.complete =
    lost.length === 0 &&
    journeyShortfalls.length === 0 &&
    entityShortfalls.length === 0 &&
    draftShortfalls.length === 0 &&
    (!lake || (lake.journeys.shortfalls.length === 0 && lake.entities.shortfalls.length === 0));
  return report;
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

/** The simulator's side of the end-state check (`SimulatorControl` answers it). */
export interface GroundTruthSource {
  groundTruth(): Promise<GroundTruth>;
  deliveries(webhookId: string): Promise<{ deliveries: Delivery[] }>;
}

/** Reads the pipeline's state (the live tails, the lake) and checks it; keeps the latest read. */
export class EndStateReader {
  /** The pipeline's state of the latest read (its `lake` once the lake was read). */
  state?: PipelineState;
  /** The report of the latest complete read. */
  report?: EndStateReport;

  constructor(
    private readonly simulator: GroundTruthSource,
    private readonly webhookId: string,
    private readonly topic1: Topic1Tail,
    private readonly output: OutputTail,
    private readonly lakeDir: string,
  ) {}

  async read(): Promise<EndStateReport> {
    const truth = await this.simulator.groundTruth();
    const { deliveries } = await this.simulator.deliveries(this.webhookId);
    this.state = await readPipelineState(this.topic1, this.output);
    this.state.lake = await readLake(this.lakeDir);
    this.report = checkEndState(truth, deliveries, this.state);
    return this.report;
  }
}
