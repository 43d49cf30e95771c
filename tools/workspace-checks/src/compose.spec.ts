import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { TOPIC_MANIFEST } from '@fenx/kafka';
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
