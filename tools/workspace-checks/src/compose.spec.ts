import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { TOPIC_MANIFEST } from '@fenx/kafka-contracts';
import { parse } from 'yaml';

interface ComposeFile {
  services: Record<string, { image?: string; command?: string[] | string; depends_on?: unknown }>;
}

const compose = parse(readFileSync(join(workspaceRoot, 'docker', 'compose.yml'), 'utf8')) as ComposeFile;

function topicsCreatedByInit(): {
  name: string;
  partitions: number;
  config: Record<string, string>;
}[] {
  const command = compose.services['kafka-init'].command;
  const script = Array.isArray(command) ? command.join('\n') : String(command);
  return script
    .split('\n')
    .filter((line) => /^\s*create --topic /.test(line))
    .map((line) => {
      const name = /--topic (\S+)/.exec(line)?.[1] ?? '';
      const partitions = Number(/--partitions (\d+)/.exec(line)?.[1]);
      const config = Object.fromEntries(
        [...line.matchAll(/--config ([^=\s]+)=(\S+)/g)].map((m) => [m[1], m[2]]),
      );
      return { name, partitions, config };
    });
}

describe('docker/compose.yml', () => {
  it('runs Apache Kafka in KRaft mode from the official image', () => {
    const kafka = compose.services['kafka'] as {
      image: string;
      environment: Record<string, string>;
    };
    expect(kafka.image).toMatch(/^apache\/kafka:\d+\.\d+\.\d+$/);
    expect(kafka.environment['KAFKA_PROCESS_ROLES']).toBe('broker,controller');
    expect(kafka.environment['KAFKA_AUTO_CREATE_TOPICS_ENABLE']).toBe('false');
  });

  it('creates exactly the manifest topics with their partitions and configuration', () => {
    const created = topicsCreatedByInit();
    expect(created.map((t) => t.name)).toEqual(TOPIC_MANIFEST.map((t) => t.name));
    for (const spec of TOPIC_MANIFEST) {
      const topic = created.find((t) => t.name === spec.name);
      expect({
        name: spec.name,
        partitions: topic?.partitions,
        config: topic?.config,
      }).toEqual({
        name: spec.name,
        partitions: spec.partitions,
        config: spec.config,
      });
    }
  });

  it('waits for a healthy broker before creating topics', () => {
    expect(compose.services['kafka-init'].depends_on).toEqual({
      kafka: { condition: 'service_healthy' },
    });
  });
});

describe('the Kafka Connect path to the lake (docker/connect, profile lake-connect)', () => {
  const connector = JSON.parse(
    readFileSync(join(workspaceRoot, 'docker', 'connect', 'fenx-lake-s3-sink.json'), 'utf8'),
  ) as { name: string; config: Record<string, string> };

  it('sinks the detail topics, the raw events and the extractors’ dead letters, all of them manifest topics', () => {
    const topics = connector.config['topics'].split(',');
    const names = TOPIC_MANIFEST.map((t) => t.name);
    expect(topics.filter((t) => !names.includes(t))).toEqual([]);
    expect(topics).toEqual(
      expect.arrayContaining(['fenx.journey.details.v1', 'fenx.entity.details.v1', 'fenx.webhook.events.v1']),
    );
  });

  it('writes JSON partitioned by the record’s own timestamp into dt/hour, with flush size and rotation', () => {
    expect(connector.config).toMatchObject({
      'connector.class': 'io.confluent.connect.s3.S3SinkConnector',
      'format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
      'partitioner.class': 'io.confluent.connect.storage.partitioner.TimeBasedPartitioner',
      'timestamp.extractor': 'Record',
      'path.format': "'dt'=YYYY-MM-dd/'hour'=HH",
      timezone: 'UTC',
    });
    expect(Number(connector.config['flush.size'])).toBeGreaterThan(0);
    expect(Number(connector.config['rotate.interval.ms'])).toBeGreaterThan(0);
  });

  it('runs Kafka Connect and an S3-compatible store in compose, and registers the connector once Connect is up', () => {
    expect(compose.services['kafka-connect'].image).toMatch(/^confluentinc\/cp-kafka-connect:/);
    expect(compose.services['minio'].image).toMatch(/^minio\/minio:/);
    expect(compose.services['connect-init'].depends_on).toEqual({
      'kafka-connect': { condition: 'service_healthy' },
    });
    expect(JSON.stringify(compose.services['connect-init'].command)).toContain('fenx-lake-s3-sink.json');
  });
});
