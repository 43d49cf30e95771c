import { TOPICS, withoutNamespace } from '@fenx/kafka-contracts';
// `npm start`'s summary line, from what the apps export on /metrics (docs/metrics.md): events radar wrote to
// topic 1 (`radar_http_requests_total`, outcomes `accepted` and `flagged`) and the records lake-sink put in lake
// files per detail topic (`lake_sink_records_written_total{topic}`).

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a Prometheus text exposition (comments and malformed lines skipped). */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const value = Number(m[3]);
    if (Number.isNaN(value)) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]] = l[2].replace(/\\(.)/g, '$1');
    samples.push({ name: m[1], labels, value });
  }
  return samples;
}

/** The sum of a metric's samples whose labels pass `match`; undefined when none does. */
export function sumMetric(
  samples: readonly Sample[],
  name: string,
  match: (labels: Record<string, string>) => boolean = () => true,
): number | undefined {
  const hits = samples.filter((s) => s.name === name && match(s.labels));
  return hits.length === 0 ? undefined : hits.reduce((sum, s) => sum + s.value, 0);
}

export const JOURNEY_TOPIC = withoutNamespace(TOPICS.journeyDetails.name);
export const ENTITY_TOPIC = withoutNamespace(TOPICS.entityDetails.name);

export interface Counts {
  /** Events radar wrote to topic 1. */
  eventsIn?: number;
  /** Records in lake files from the journey details topic (journey snapshots). */
  journeyRecords?: number;
  /** Records in lake files from the entity details topic (entities, drafts, associations, conflicts). */
  entityRecords?: number;
}

/** A topic label, with or without a KAFKA_NAMESPACE prefix. */
const isTopic = (topic: string) => (labels: Record<string, string>) =>
  labels['topic'] === topic || (labels['topic'] ?? '').endsWith(`.${topic}`);

/** The counts from radar's and lake-sink's /metrics text (undefined: an app that did not answer). */
export function countsFrom(radarMetrics: string | undefined, lakeSinkMetrics: string | undefined): Counts {
  const radar = radarMetrics === undefined ? undefined : parseMetrics(radarMetrics);
  const lake = lakeSinkMetrics === undefined ? undefined : parseMetrics(lakeSinkMetrics);
  return {
    eventsIn:
      radar &&
      (sumMetric(
        radar,
        'radar_http_requests_total',
        (l) => l['outcome'] === 'accepted' || l['outcome'] === 'flagged',
      ) ??
        0),
    journeyRecords: lake && (sumMetric(lake, 'lake_sink_records_written_total', isTopic(JOURNEY_TOPIC)) ?? 0),
    entityRecords: lake && (sumMetric(lake, 'lake_sink_records_written_total', isTopic(ENTITY_TOPIC)) ?? 0),
  };
}

function count(n: number | undefined, previous: number | undefined): string {
  if (n === undefined) return '?';
  const total = n.toLocaleString('en-US');
  return previous === undefined ? total : `${total} (+${(n - previous).toLocaleString('en-US')})`;
}

/**
 * One summary line: totals so far, and in brackets the change since the previous line.
 * `events in 1,204 (+310) · lake: 388 (+95) journey snapshots, 502 (+120) entity records`
 */
export function summaryLine(now: Counts, previous?: Counts): string {
  return (
    `events in ${count(now.eventsIn, previous?.eventsIn)} · lake: ` +
    `${count(now.journeyRecords, previous?.journeyRecords)} journey snapshots, ` +
    `${count(now.entityRecords, previous?.entityRecords)} entity records`
  );
}
