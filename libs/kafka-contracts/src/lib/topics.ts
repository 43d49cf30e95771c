/** One Kafka topic as the pipeline needs it: the single source for creation (apps, the test cluster) and docker/. */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** Topic-level Kafka configuration applied when the topic is created. */
  readonly config: Readonly<Record<string, string>>;
  readonly key: string;
  readonly description: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Prepended to the name of every topic and consumer group (`KAFKA_NAMESPACE`, e.g. `uat.`), so that
 * several environments can share one cluster; empty by default. It is read once, when this module
 * loads, because topic names are constants throughout the code; `KafkaEnv` validates it with the other
 * Kafka settings, so a bad value stops an app at start.
 */
export const KAFKA_NAMESPACE: string = process.env['KAFKA_NAMESPACE'] ?? '';

/** A topic or group name inside `KAFKA_NAMESPACE` (typed as the bare name, which it is without one). */
export function namespaced<N extends string>(name: N): N {
  return (KAFKA_NAMESPACE + name) as N;
}

/** A name without KAFKA_NAMESPACE: the lake's paths use it, so the layout is the same in every environment. */
export function withoutNamespace(name: string): string {
  return KAFKA_NAMESPACE && name.startsWith(KAFKA_NAMESPACE) ? name.slice(KAFKA_NAMESPACE.length) : name;
}

/**
 * The topic manifest. Names follow `<domain>.<entity>.<event>.v<version>`; a breaking change of a
 * message contract gets a new version of the topic, never an in-place change.
 */
export const TOPICS = {
  webhookEvents: {
    name: namespaced('fenx.webhook.events.v1'),
    partitions: 12,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(7 * DAY_MS) },
    key: 'journey or entity id of the event (notification id when it names neither)',
    description:
      'Topic 1: every FenX notification radar received (and reconciliation/backfill events), verbatim plus parsed fields. A work queue for the extractors, and kept in the lake as received (lake-sink writes it).',
  },
  webhookUnverified: {
    name: namespaced('fenx.webhook.unverified.v1'),
    partitions: 1,
    // Kept for days at most and bounded in bytes: evidence for calibration, never data.
    config: {
      'cleanup.policy': 'delete',
      'retention.ms': String(3 * DAY_MS),
      'retention.bytes': String(256 * 1024 * 1024),
    },
    key: 'the request id radar gave the delivery',
    description:
      'Deliveries radar refused because their well-formed signature matched no configured key: the body bytes and HTTP headers verbatim, rate- and size-capped, for `radar calibrate --from-kafka`. Nothing downstream reads it.',
  },
  journeyDetails: {
    name: namespaced('fenx.journey.details.v1'),
    partitions: 12,
    // Compaction keeps the latest snapshot of every journey for re-hydration; the lag keeps every
    // snapshot for a week so the lake sink sees each one.
    config: {
      'cleanup.policy': 'compact',
      'min.compaction.lag.ms': String(7 * DAY_MS),
    },
    key: 'journey id',
    description: 'Topic 2: one full journey-instance snapshot per change (or a deletion record).',
  },
  entityDetails: {
    name: namespaced('fenx.entity.details.v1'),
    partitions: 12,
    config: {
      'cleanup.policy': 'compact',
      'min.compaction.lag.ms': String(7 * DAY_MS),
    },
    key: 'entity id',
    description: 'Legal entity verified records, drafts, associations and draft conflicts.',
  },
  pipelineState: {
    name: namespaced('fenx.pipeline.state.v1'),
    partitions: 1,
    config: { 'cleanup.policy': 'compact' },
    key: 'state name (e.g. a reconciliation cursor)',
    description: 'Small durable state of scheduled jobs, so they can run anywhere with no local disk.',
  },
  journeyExtractorDeadLetter: {
    name: namespaced('fenx.journey-extractor.dead-letter.v1'),
    partitions: 3,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * DAY_MS) },
    key: 'key of the source record',
    description:
      'Events the journey extractor could not turn into details, with the reason and source offset.',
  },
  entityExtractorDeadLetter: {
    name: namespaced('fenx.entity-extractor.dead-letter.v1'),
    partitions: 3,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * DAY_MS) },
    key: 'key of the source record',
    description:
      'Events the entity extractor could not turn into details, with the reason and source offset.',
  },
  lakeSinkDeadLetter: {
    name: namespaced('fenx.lake-sink.dead-letter.v1'),
    partitions: 3,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * DAY_MS) },
    key: 'key of the source record',
    description: 'Detail records the lake sink could not write, with the reason and source offset.',
  },
} as const satisfies Record<string, TopicSpec>;

export type TopicKey = keyof typeof TOPICS;
export type TopicName = (typeof TOPICS)[TopicKey]['name'];

/**
 * Consumer group names (before `KAFKA_NAMESPACE`, like topics): each app's own group, and the prefixes
 * of the throw-away groups that read a topic to its end. The ACLs grant exactly these.
 */
export const CONSUMER_GROUPS = {
  journeyExtractor: 'journey-extractor',
  entityExtractor: 'entity-extractor',
  lakeSink: 'lake-sink',
  /** `<prefix><uuid>`: a reader of a topic to its end (fenx-admin, radar calibrate, the extractors' checks). */
  readerPrefix: 'fenx-reader-',
  /** `<prefix><uuid>`: the state store re-reading the pipeline-state topic. */
  stateReaderPrefix: 'fenx-state-reader-',
} as const;

/** Every topic of the pipeline, in manifest order. */
export const TOPIC_MANIFEST: readonly TopicSpec[] = Object.values(TOPICS);

export function topicSpec(name: TopicName): TopicSpec {
  const spec = TOPIC_MANIFEST.find((t) => t.name === name);
  if (!spec) throw new Error(`Topic ${name} is not in the manifest`);
  return spec;
}

/** Whether a name (from a command line, say) is one of the manifest's topics. */
export function isTopicName(name: string): name is TopicName {
  return TOPIC_MANIFEST.some((t) => t.name === name);
}
