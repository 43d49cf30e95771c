import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { kafkajs, KafkaClient } from './kafka-client';
import { retryRetriable } from './retriable';
import { CONSUMER_GROUPS, namespaced, TOPICS, TopicName } from '@fenx/kafka-contracts';

/** The apps that talk to Kafka in production, each with a principal of its own. */
export type PipelineApp = 'radar' | 'journey-extractor' | 'entity-extractor' | 'lake-sink';

export const PIPELINE_APPS: readonly PipelineApp[] = [
  'radar',
  'journey-extractor',
  'entity-extractor',
  'lake-sink',
];

/**
 * What each app may do, and nothing more: the one source of the production ACLs. Group names are
 * prefixes: an app's consumer groups start with its group id (the app's name by default), and the
 * throw-away groups that read a topic to its end start with one of `CONSUMER_GROUPS`' prefixes
 * (each inside KAFKA_NAMESPACE, like the topics).
 */
export const APP_ACCESS: Record<PipelineApp, { reads: TopicName[]; writes: TopicName[]; groups: string[] }> =
  {
    // Topic 1: the verified webhooks. The quarantine of refused deliveries, which `radar calibrate
    // --from-kafka` also reads back (as radar, which holds the secrets to try).
    radar: {
      reads: [TOPICS.webhookUnverified.name],
      writes: [TOPICS.webhookEvents.name, TOPICS.webhookUnverified.name],
      groups: [CONSUMER_GROUPS.readerPrefix],
    },
    'journey-extractor': {
      reads: [TOPICS.webhookEvents.name, TOPICS.pipelineState.name],
      // Topic 1 too: re-queued events and the safety net's synthetic events; the state topic: its cursor.
      writes: [
        TOPICS.journeyDetails.name,
        TOPICS.journeyExtractorDeadLetter.name,
        TOPICS.webhookEvents.name,
        TOPICS.pipelineState.name,
      ],
      groups: [
        CONSUMER_GROUPS.journeyExtractor,
        CONSUMER_GROUPS.readerPrefix,
        CONSUMER_GROUPS.stateReaderPrefix,
      ],
    },
    'entity-extractor': {
      reads: [TOPICS.webhookEvents.name, TOPICS.pipelineState.name],
      // Topic 1 too: re-queued events, reconciliation and backfill events; the state topic: its cursors.
      writes: [
        TOPICS.entityDetails.name,
        TOPICS.entityExtractorDeadLetter.name,
        TOPICS.webhookEvents.name,
        TOPICS.pipelineState.name,
      ],
      groups: [
        CONSUMER_GROUPS.entityExtractor,
        CONSUMER_GROUPS.readerPrefix,
        CONSUMER_GROUPS.stateReaderPrefix,
      ],
    },
    // Reads what it sinks (and reads topics to their end: its checks and reports); writes only the
    // records it could not put in the lake.
    'lake-sink': {
      reads: [
        TOPICS.journeyDetails.name,
        TOPICS.entityDetails.name,
        TOPICS.webhookEvents.name,
        TOPICS.journeyExtractorDeadLetter.name,
        TOPICS.entityExtractorDeadLetter.name,
      ],
      writes: [TOPICS.lakeSinkDeadLetter.name],
      groups: [CONSUMER_GROUPS.lakeSink, CONSUMER_GROUPS.readerPrefix],
    },
  };

export interface AclEntry {
  /** e.g. `User:radar` */
  principal: string;
  resource: 'topic' | 'group';
  name: string;
  pattern: 'literal' | 'prefixed';
  operation: 'Read' | 'Write' | 'Describe';
}

/** The ACLs of every app, for the principals given (`User:<name>`; by default the app's name). */
export function pipelineAcls(principals: Partial<Record<PipelineApp, string>> = {}): AclEntry[] {
  const entries: AclEntry[] = [];
  for (const app of PIPELINE_APPS) {
    const principal = principals[app] ?? `User:${app}`;
    const access = APP_ACCESS[app];
    for (const topic of access.reads) {
      entries.push({ principal, resource: 'topic', name: topic, pattern: 'literal', operation: 'Read' });
    }
    for (const topic of access.writes) {
      // Write on a topic also lets an idempotent producer take a producer id (Kafka 3.0+, KIP-679).
      entries.push({ principal, resource: 'topic', name: topic, pattern: 'literal', operation: 'Write' });
    }
    for (const group of access.groups) {
      entries.push({
        principal,
        resource: 'group',
        name: namespaced(group),
        pattern: 'prefixed',
        operation: 'Read',
      });
    }
  }
  return entries;
}

/** The same ACLs as `kafka-acls.sh` commands, for an operator (MSK with SCRAM or mTLS principals). */
export function kafkaAclsCommands(entries: readonly AclEntry[], bootstrap = '$BOOTSTRAP'): string[] {
  return entries.map(
    (e) =>
      `kafka-acls.sh --bootstrap-server ${bootstrap} --command-config admin.properties --add --allow-principal ${e.principal} --operation ${e.operation} --${e.resource} ${e.name}${e.pattern === 'prefixed' ? ' --resource-pattern-type prefixed' : ''}`,
  );
}

/** Creates the ACLs (admin rights needed). Creating one that exists changes nothing. */
export async function applyAcls(kafka: KafkaClient, entries: readonly AclEntry[]): Promise<void> {
  const admin = kafkajs(kafka).admin();
  await admin.connect();
  try {
    await retryRetriable('creating ACLs', () =>
      admin.createAcls({
        acl: entries.map((e) => ({
          principal: e.principal,
          host: '*',
          resourceType: e.resource === 'topic' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
          resourceName: e.name,
          resourcePatternType:
            e.pattern === 'prefixed' ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
          operation:
            e.operation === 'Read'
              ? AclOperationTypes.READ
              : e.operation === 'Write'
                ? AclOperationTypes.WRITE
                : AclOperationTypes.DESCRIBE,
          permissionType: AclPermissionTypes.ALLOW,
        })),
      }),
    );
  } finally {
    await admin.disconnect();
  }
}
