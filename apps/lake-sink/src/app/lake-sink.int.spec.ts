import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka, KafkaClient, KafkaProducer, readTopic } from '@fenx/kafka';
import { OutgoingRecord, REPLAY_HEADER, TopicName, TOPICS, withoutNamespace } from '@fenx/kafka-contracts';
import { sharedKafka, TestKafka } from '@fenx/kafka/test';
import { AppProcess, freePort, waitFor } from '@fenx/testing';
import { LAKE_SCHEMAS } from '@fenx/lake-sql';
import { LakeLine, pathHour } from './lake-files';
import { LakeStore, LocalStore, S3Store } from './lake-store';
import { replay } from './replay';
import { startS3Server } from '../test/s3-server';

const T = TOPICS.journeyDetails.name;
const HOUR_A = Date.parse('2026-11-23T05:20:00Z');
const HOUR_B = Date.parse('2026-11-23T06:40:00Z');

/**
 * An HTTP proxy in front of an S3-protocol server that can freeze: while frozen, it takes requests
 * and answers none of them (an S3 endpoint that hangs), so a write waits without an error.
 */
async function freezableProxy(
  target: string,
): Promise<{ url: string; freeze(): void; close(): Promise<void> }> {
  let frozen = false;
  const held: ServerResponse[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (frozen) {
      held.push(res);
      return;
    }
    const upstream = request(
      `${target}${req.url}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    freeze: () => {
      frozen = true;
    },
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Every line of a topic in the store, with the file it is in. */
async function lines(store: LakeStore, topic: string): Promise<{ path: string; line: LakeLine }[]> {
  const out: { path: string; line: LakeLine }[] = [];
  for (const path of await store.list(`topic=${withoutNamespace(topic)}/`))
    for (const text of (await store.get(path)).toString('utf8').split('\n'))
      if (text !== '') out.push({ path, line: JSON.parse(text) as LakeLine });
  return out;
}

describe('lake-sink against Apache Kafka', () => {
  let broker: TestKafka;
  let kafka: KafkaClient;
  let producer: KafkaProducer;
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'lake-'));
    dirs.push(d);
    return d;
  };
  const sink = async (env: Record<string, string>) => {
    const port = await freePort();
    return AppProcess.start({
      name: 'lake-sink',
      env: {
        ...broker.env(),
        PORT: String(port),
        LOG_LEVEL: 'warn',
        LAKE_SINK_FLUSH_INTERVAL_MS: '1000',
        ...env,
      },
      readyUrl: `http://127.0.0.1:${port}/health/ready`,
      readyTimeoutMs: 60000,
    });
  };
  /** An S3-protocol server with a `lake` bucket, in a temporary directory. */
  const s3Server = () => startS3Server(tempDir());

  let produced = 0;
  const produce = async (n: number, timestamp: number, topic: TopicName = T) => {
    const records: OutgoingRecord[] = Array.from({ length: n }, (_, i) => ({
      key: `j-${(produced + i) % 37}`,
      value: JSON.stringify({
        schema: LAKE_SCHEMAS[withoutNamespace(topic)],
        seq: produced + i,
        journeyId: `j-${(produced + i) % 37}`,
      }),
      headers: { 'fenx-schema': 'test' },
      timestamp: String(timestamp + i),
    }));
    for (let i = 0; i < records.length; i += 500) await producer.emit(topic, records.slice(i, i + 500));
    produced += n;
  };

  beforeAll(async () => {
    broker = await sharedKafka();
    kafka = createKafka(broker.settings('lake-test'), { logCreator: () => () => undefined });
    producer = new KafkaProducer(kafka, broker.settings('lake-test'));
    await producer.connect();
  }, 60000);

  afterAll(async () => {
    await producer?.disconnect();
    await broker?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('writes each record once, into the dt/hour file of its own timestamp, with its coordinates', async () => {
    const dir = tempDir();
    const group = `lake-a-${Date.now()}`;
    await produce(300, HOUR_A);
    await produce(200, HOUR_B);
    const app = await sink({
      LAKE_SINK_TARGET: dir,
      LAKE_SINK_FLUSH_RECORDS: '100',
      LAKE_SINK_GROUP_ID: group,
    });
    try {
      const store = new LocalStore(dir);
      const got = await waitFor(
        async () => {
          const l = await lines(store, T);
          return l.length >= 500 ? l : undefined;
        },
        { timeoutMs: 60000, what: '500 lines in the lake' },
      );
      expect(got).toHaveLength(500);
      expect(new Set(got.map((g) => g.line.value && (g.line.value as { seq: number }).seq)).size).toBe(500);
      for (const { path, line } of got) {
        expect(pathHour(path)?.hour.toISOString().slice(0, 13)).toBe(line.timestamp.slice(0, 13));
        expect(path).toMatch(
          new RegExp(
            `^topic=${withoutNamespace(T)}/dt=2026-11-23/hour=0[56]/${withoutNamespace(T)}\\+${line.partition}\\+\\d+\\.ndjson$`,
          ),
        );
        expect(line.headers['fenx-schema']).toBe('test');
      }
      const hours = new Set(got.map((g) => pathHour(g.path)?.hour.toISOString()));
      expect([...hours].sort()).toEqual(['2026-11-23T05:00:00.000Z', '2026-11-23T06:00:00.000Z']);
      const metrics = await (
        await fetch(app.options.readyUrl?.replace('/health/ready', '/metrics') ?? '')
      ).text();
      expect(metrics).toMatch(
        new RegExp(`lake_sink_records_written_total\\{topic="${T.replace(/\./g, '\\.')}"[^}]*\\} 500`),
      );
    } finally {
      await app.stop();
    }
  });

  it('killed mid-stream and restarted: every record exactly once, no duplicate and no hole', async () => {
    const dir = tempDir();
    const group = `lake-b-${Date.now()}`;
    const topic = TOPICS.entityDetails.name;
    const before = (await readTopic(kafka, topic)).length;
    const total = before + 6000;
    await produce(6000, HOUR_A, topic);
    const store = new LocalStore(dir);
    const env = { LAKE_SINK_TARGET: dir, LAKE_SINK_FLUSH_RECORDS: '50', LAKE_SINK_GROUP_ID: group };
    let app = await sink(env);
    await waitFor(async () => (await store.list(`topic=${withoutNamespace(topic)}/`)).length >= 10, {
      timeoutMs: 60000,
    });
    app.kill('SIGKILL');
    await app.exited();
    const atKill = (await lines(store, topic)).length;
    expect(atKill).toBeLessThan(total);
    app = await sink(env);
    try {
      const got = await waitFor(
        async () => {
          const l = await lines(store, topic);
          return l.length >= total ? l : undefined;
        },
        { timeoutMs: 120000, what: 'every record in the lake' },
      );
      const coords = got.map((g) => `${g.line.partition}/${g.line.offset}`);
      expect(coords.length).toBe(total);
      expect(new Set(coords).size).toBe(total);
      const byPartition = new Map<number, number[]>();
      for (const g of got)
        byPartition.set(g.line.partition, [
          ...(byPartition.get(g.line.partition) ?? []),
          Number(g.line.offset),
        ]);
      for (const offsets of byPartition.values()) {
        offsets.sort((a, b) => a - b);
        expect(offsets).toEqual(offsets.map((_, i) => offsets[0] + i));
        expect(offsets[0]).toBe(0);
      }
    } finally {
      await app.stop();
    }
  }, 300000);

  // A SIGKILL mid-trickle is left to the kill and outage tests (lake-sink-outage.int.spec.ts): under CI
  // load, a sink restarted mid-trickle here wrote nothing more for 150 s (18 of 40 lines), a lead for
  // the stalled sink of the full soak that is still to be explained.
  it('a trickle of one event a second: at most one file per partition per flush interval, each record once', async () => {
    const dir = tempDir();
    const group = `lake-t-${Date.now()}`;
    const topic = TOPICS.webhookEvents.name;
    const store = new LocalStore(dir);
    const intervalMs = 5000;
    const env = {
      LAKE_SINK_TARGET: dir,
      LAKE_SINK_GROUP_ID: group,
      LAKE_SINK_FLUSH_INTERVAL_MS: String(intervalMs),
    };
    const app = await sink(env);
    const events = 40;
    const keys = ['trickle-a', 'trickle-b', 'trickle-c'];
    const hour = Date.parse('2026-11-23T08:00:00Z');
    const started = Date.now();
    try {
      for (let i = 0; i < events; i++) {
        const at = Date.now();
        await producer.emit(topic, [
          {
            key: keys[i % keys.length],
            value: JSON.stringify({ schema: LAKE_SCHEMAS[withoutNamespace(topic)], seq: i }),
            timestamp: String(hour + i * 1000),
          },
        ]);
        await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - at))));
      }
      let seen = 0;
      const got = await waitFor(
        async () => {
          const l = await lines(store, topic);
          seen = l.length;
          return l.length >= events ? l : undefined;
        },
        { timeoutMs: 60000, what: 'the trickle in the lake' },
      ).catch((e: Error) => {
        throw new Error(`${e.message} (${seen} of ${events} lines there)`);
      });
      const elapsed = Date.now() - started;
      const seqs = got.map((g) => (g.line.value as { seq: number }).seq).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: events }, (_, i) => i));
      const files = new Set(got.map((g) => g.path));
      const perPartition = new Map<number, Set<string>>();
      for (const g of got)
        perPartition.set(g.line.partition, (perPartition.get(g.line.partition) ?? new Set()).add(g.path));
      // One file per partition per interval (plus one for a partial interval). Written per fetch, the
      // trickle made one file per event.
      const bound = Math.ceil(elapsed / intervalMs) + 1;
      for (const paths of perPartition.values()) expect(paths.size).toBeLessThanOrEqual(bound);
      expect(files.size).toBeLessThan(events);
      process.stdout.write(
        `lake-sink trickle: ${events} events at 1/s over ${perPartition.size} partitions in ${Math.round(elapsed / 1000)} s, ` +
          `flush interval ${intervalMs / 1000} s: ${files.size} files (bound ${bound} per partition)\n`,
      );
    } finally {
      await app.stop();
    }
  }, 240000);

  it('writes to an S3 bucket (an S3-protocol server) and replays a period from it into a topic', async () => {
    const { server, endpoint } = await s3Server();
    const group = `lake-c-${Date.now()}`;
    const app = await sink({
      LAKE_SINK_TARGET: 's3://lake/prod',
      S3_ENDPOINT: endpoint,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      LAKE_SINK_FLUSH_RECORDS: '100',
      LAKE_SINK_GROUP_ID: group,
    });
    const store = new S3Store('s3://lake/prod', {
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    try {
      const inTopic = (await readTopic(kafka, T)).length;
      const got = await waitFor(
        async () => {
          const l = await lines(store, T);
          return l.length >= inTopic ? l : undefined;
        },
        { timeoutMs: 60000, what: 'the topic in S3' },
      );
      expect(got).toHaveLength(inTopic);
      const hourB = got.filter((g) => g.line.timestamp.startsWith('2026-11-23T06'));
      const into = TOPICS.lakeSinkDeadLetter.name;
      const n = await replay(store, broker.settings('replay'), {
        topic: T,
        from: new Date('2026-11-23T06:00:00Z'),
        to: new Date('2026-11-23T07:00:00Z'),
        into,
      });
      expect(n).toBe(hourB.length);
      const replayed = await readTopic(kafka, into);
      expect(replayed.map((r) => String(r.value)).sort()).toEqual(
        hourB.map((g) => JSON.stringify(g.line.value)).sort(),
      );
      expect(String(replayed[0].headers[REPLAY_HEADER.from])).toMatch(
        new RegExp(`^${T.replace(/\./g, '\\.')}/\\d+/\\d+$`),
      );
    } finally {
      await app.stop();
      await server.close();
    }
  }, 180000);

  it('a sink whose S3 hangs: not ready once stalled, then one error line and exit code 1; restarted, every record once', async () => {
    const { server, endpoint: s3 } = await s3Server();
    const proxy = await freezableProxy(s3);
    const group = `lake-s-${Date.now()}`;
    const env = (endpoint: string) => ({
      LAKE_SINK_TARGET: 's3://lake/stall',
      S3_ENDPOINT: endpoint,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      LAKE_SINK_FLUSH_RECORDS: '100',
      LAKE_SINK_GROUP_ID: group,
      LAKE_SINK_STALL_AFTER_MS: '5000',
      LAKE_SINK_STALL_EXIT_AFTER_MS: '12000',
    });
    const store = new S3Store('s3://lake/stall', {
      endpoint: s3,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const inLake = async (n: number, what: string) =>
      waitFor(
        async () => {
          const l = await lines(store, T);
          return l.length >= n ? l : undefined;
        },
        { timeoutMs: 90000, what },
      );
    let app = await sink(env(proxy.url));
    try {
      const before = (await readTopic(kafka, T)).length;
      await inLake(before, 'the topic in S3 before the freeze');
      proxy.freeze();
      await produce(120, HOUR_B);
      const ready = app.options.readyUrl as string;
      const stalled = await waitFor(
        async () => {
          const res = await fetch(ready).catch(() => undefined);
          return res?.status === 503 ? await res.text() : undefined;
        },
        { timeoutMs: 60000, intervalMs: 500, what: 'the stalled sink not ready' },
      );
      expect(stalled).toContain('stalled');
      const exit = await Promise.race([
        app.exited(),
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 90000)),
      ]);
      expect(exit).toEqual({ code: 1, signal: null });
      const log = app.output().join('\n');
      expect(log).toMatch(
        /lake consumer stalled for \d+ s: [\w.-]+\/\d+ has \d+ records to write and committed no file: not ready, exiting with code 1 so it restarts/,
      );
      // Restarted, as the orchestrator would, on an S3 that answers again.
      app = await sink(env(s3));
      const got = await inLake(before + 120, 'every record in S3 after the restart');
      const coordinates = got.map((g) => `${g.line.partition}/${g.line.offset}`);
      expect(new Set(coordinates).size).toBe(coordinates.length);
      expect(got).toHaveLength(before + 120);
    } finally {
      await app.stop();
      await proxy.close();
      await server.close();
    }
  }, 300000);
});
