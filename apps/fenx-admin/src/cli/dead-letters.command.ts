import { randomUUID } from 'node:crypto';
import { Progress } from '@fenx/cli';
import {
  consumerGroupLag,
  KafkaClient,
  KafkaProducer,
  ReadRecord,
  readTopic,
  ReadTimeoutError,
  ReadTopicOptions,
  topicExists,
  topicOffsets,
} from '@fenx/kafka';
import {
  DEAD_LETTER_HEADER,
  deadLetterFacts,
  HEADER,
  headerText,
  KafkaHeaders,
  OutgoingRecord,
  parsePosition,
  positionText,
  REPLAY_HEADER,
  TOPIC_MANIFEST,
  TopicName,
  withoutDeadLetterHeaders,
} from '@fenx/kafka-contracts';
import { Command, InvalidArgumentError } from 'commander';
import { CliError, EXIT } from './errors';
import { CliIo, json, table } from './io';
import { cliKafka, kafkaSettingsFromEnv } from './settings';

const DEAD_LETTER_TOPICS = TOPIC_MANIFEST.map((t) => t.name).filter((n) => n.includes('.dead-letter.'));
const SOURCE_TOPICS = TOPIC_MANIFEST.map((t) => t.name).filter((n) => !n.includes('.dead-letter.'));

export interface DeadLetterView {
  partition: number;
  offset: string;
  key: string | null;
  at?: string;
  reason?: string;
  attempts?: string;
  source?: string;
  group?: string;
  eventType?: string;
  notificationId?: string;
}

export function viewOf(r: ReadRecord): DeadLetterView {
  const h = (name: string) => headerText(r.headers, name);
  return {
    partition: r.partition,
    offset: r.offset,
    key: r.key,
    ...deadLetterFacts(r.headers),
    eventType: h(HEADER.eventType),
    notificationId: h(HEADER.notificationId),
  };
}

/**
 * The record to put back: key, value and headers of the dead letter, without the dead-letter headers,
 * marked with where it was replayed from. Into its source partition when it goes back to its source
 * topic (the partition chosen at first by its key or partition key), else by key.
 */
export function replayRecord(
  dlq: string,
  r: ReadRecord,
  target: string,
  now: Date,
): OutgoingRecord & { partition?: number } {
  const source = parsePosition(headerText(r.headers, DEAD_LETTER_HEADER.source));
  const from = positionText({ topic: dlq, partition: r.partition, offset: r.offset });
  const headers: KafkaHeaders = withoutDeadLetterHeaders(r.headers);
  headers[REPLAY_HEADER.from] = from;
  headers[REPLAY_HEADER.at] = now.toISOString();
  return {
    key: r.key ?? (source ? positionText(source) : from),
    value: r.value,
    headers,
    ...(source && source.topic === target ? { partition: source.partition } : {}),
  };
}

function deadLetterTopic(value: string): string {
  if (!DEAD_LETTER_TOPICS.includes(value))
    throw new InvalidArgumentError(
      `not a dead-letter topic of the manifest (${DEAD_LETTER_TOPICS.join(', ')})`,
    );
  return value;
}

function sourceTopic(value: string): string {
  if (!SOURCE_TOPICS.includes(value))
    throw new InvalidArgumentError(`not a source topic of the manifest (${SOURCE_TOPICS.join(', ')})`);
  return value;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/**
 * Reads a topic up to the end noted at start (`readTopic`), with the CLI's errors: a topic the
 * cluster lacks, and an end not reached in time.
 */
async function readToEnd(
  kafka: KafkaClient,
  topic: string,
  options: ReadTopicOptions & { timeoutMs: number },
): Promise<void> {
  if (!(await topicExists(kafka, topic)))
    throw new CliError(`Topic ${topic} does not exist on this cluster.`, EXIT.notFound);
  try {
    await readTopic(kafka, topic, options);
  } catch (e) {
    if (!(e instanceof ReadTimeoutError)) throw e;
    throw new CliError(
      `Did not reach the end of ${topic} within ${options.timeoutMs} ms (partitions left: ${e.partitionsLeft.map((p) => p.slice(topic.length + 1)).join(', ')}).`,
      EXIT.kafkaUnavailable,
    );
  }
}

/** The consumer group that keeps a replay's position, one per dead-letter topic. */
export function replayGroupId(dlq: string): string {
  return `fenx-admin.replay.${dlq}`;
}

export function deadLettersCommand(io: CliIo): Command {
  const cmd = new Command('dead-letters').description('dead-letter topics (KAFKA_* settings)');

  cmd
    .command('list')
    .description(
      'print dead letters with their reason, attempts and source (reads from the start; commits nothing)',
    )
    .requiredOption('--topic <topic>', 'dead-letter topic', deadLetterTopic)
    .option('--limit <n>', 'at most this many records', positiveInt, 50)
    .option('--timeout-ms <ms>', 'give up reading after this long', positiveInt, 60000)
    .option('--json', 'print JSON')
    .action(async (opts: { topic: string; limit: number; timeoutMs: number; json?: boolean }) => {
      const kafka = cliKafka(kafkaSettingsFromEnv(io.env));
      const views: DeadLetterView[] = [];
      await readToEnd(kafka, opts.topic, {
        groupId: `fenx-admin.inspect.${randomUUID()}`,
        limit: opts.limit,
        timeoutMs: opts.timeoutMs,
        onRecords: (records) => void views.push(...records.map(viewOf)),
      });
      views.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
      if (opts.json) return io.out(json(views));
      if (views.length === 0) return io.out(`no dead letters in ${opts.topic}`);
      io.out(
        table(
          ['PARTITION/OFFSET', 'AT', 'ATTEMPTS', 'SOURCE', 'KEY', 'EVENT TYPE', 'REASON'],
          views.map((v) => [
            `${v.partition}/${v.offset}`,
            v.at ?? '',
            v.attempts ?? '',
            v.source ?? '',
            v.key ?? '',
            v.eventType ?? '',
            (v.reason ?? '').replace(/\s+/g, ' ').slice(0, 200),
          ]),
        ),
      );
      io.out(
        `${views.length} dead letter(s)${views.length === opts.limit ? ` (first ${opts.limit}; --limit for more)` : ''}`,
      );
    });

  cmd
    .command('replay')
    .description(
      'put dead letters back into their source topic (keys, values, headers); the position is kept, so a second run replays only what arrived since',
    )
    .requiredOption('--topic <topic>', 'dead-letter topic', deadLetterTopic)
    .option('--to <topic>', "replay into this topic instead of each record's source topic", sourceTopic)
    .option('--from-beginning', 'replay every record again, not only those since the last replay')
    .option('--timeout-ms <ms>', 'give up reading after this long', positiveInt, 60000)
    .action(async (opts: { topic: string; to?: string; fromBeginning?: boolean; timeoutMs: number }) => {
      const settings = kafkaSettingsFromEnv(io.env);
      const kafka = cliKafka(settings);
      const groupId = replayGroupId(opts.topic);
      const producer = new KafkaProducer(kafka, settings);
      await producer.connect();
      const perTarget = new Map<string, number>();
      const skipped: string[] = [];
      let read = 0;
      // What this run reads: all the topic holds, or what arrived since the last replay.
      const total = opts.fromBeginning
        ? (await topicOffsets(kafka, opts.topic)).reduce(
            (n, p) => n + Number(BigInt(p.high) - BigInt(p.low)),
            0,
          )
        : (await consumerGroupLag(kafka, groupId, [opts.topic], { oldest: false }))[0].lag;
      const progress = new Progress({
        label: `dead-letters replay ${opts.topic}`,
        unit: 'records',
        total,
        enabled: io.progress !== undefined,
        stream: io.progress,
      });
      try {
        await readToEnd(kafka, opts.topic, {
          groupId,
          commit: true,
          fromStart: opts.fromBeginning,
          timeoutMs: opts.timeoutMs,
          onRecords: async (records) => {
            const byTarget = new Map<string, OutgoingRecord[]>();
            const now = new Date();
            for (const r of records) {
              const target =
                opts.to ?? parsePosition(headerText(r.headers, DEAD_LETTER_HEADER.source))?.topic;
              if (!target || !SOURCE_TOPICS.includes(target)) {
                skipped.push(`${r.partition}/${r.offset} (source ${target ?? 'unknown'}: use --to)`);
                continue;
              }
              const list = byTarget.get(target) ?? [];
              list.push(replayRecord(opts.topic, r, target, now));
              byTarget.set(target, list);
            }
            // Committed only after every record of the batch is acknowledged by Kafka.
            for (const [target, list] of byTarget) {
              await producer.emit(target as TopicName, list);
              perTarget.set(target, (perTarget.get(target) ?? 0) + list.length);
            }
            read += records.length;
            progress.update(read, { replayed: [...perTarget.values()].reduce((a, b) => a + b, 0) });
          },
        });
        progress.stop();
        const replayed = [...perTarget.values()].reduce((a, b) => a + b, 0);
        io.out(
          `replayed ${replayed} record(s) from ${opts.topic}` +
            (perTarget.size ? `: ${[...perTarget].map(([t, n]) => `${n} -> ${t}`).join(', ')}` : '') +
            ` (read ${read}; position kept in consumer group ${groupId})`,
        );
        if (skipped.length) {
          io.err(`skipped ${skipped.length} record(s) without a known source topic: ${skipped.join(', ')}`);
          throw new CliError(
            'Some dead letters were not replayed; rerun with --from-beginning --to <topic>.',
            EXIT.failure,
          );
        }
      } finally {
        progress.stop();
        await producer.disconnect();
      }
    });

  return cmd;
}
