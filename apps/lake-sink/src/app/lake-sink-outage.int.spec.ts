import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consumerGroupLag, createKafka, KafkaClient, KafkaProducer } from '@fenx/kafka';
import { TOPICS, withoutNamespace } from '@fenx/kafka-contracts';
import { KafkaCluster } from '@fenx/kafka/test';
import { LAKE_SCHEMAS } from '@fenx/lake-sql';
import { AppProcess, freePort, waitFor } from '@fenx/testing';
import { LakeLine } from './lake-files';
import { LocalStore } from './lake-store';

const T = TOPICS.journeyDetails.name;
const HOUR = Date.parse('2026-11-23T05:20:00Z');

/** Every line of the topic in the lake directory. */
async function lakeLines(store: LocalStore): Promise<LakeLine[]> {
  const out: LakeLine[] = [];
  for (const path of await store.list(`topic=${withoutNamespace(T)}/`))
    for (const text of (await store.get(path)).toString('utf8').split('\n'))
      if (text !== '') out.push(JSON.parse(text) as LakeLine);
  return out;
}

/** Kafka's client errors as lake-sink logs them while no broker answers. */
const KAFKA_UNREACHABLE =
  /ECONNREFUSED|Connection error|KafkaJSConnectionError|KafkaJSNumberOfRetriesExceeded/i;

describe('lake-sink killed in its start-up during a broker outage', () => {
  let broker: KafkaCluster;
  let kafka: KafkaClient;
  let producer: KafkaProducer;
  let dir: string;

  beforeAll(async () => {
    // Its own cluster: this test takes every broker down.
    broker = await KafkaCluster.start({ brokers: 3 });
    kafka = createKafka(broker.settings('lake-outage-test'), { logCreator: () => () => undefined });
    producer = new KafkaProducer(kafka, broker.settings('lake-outage-test'));
    await producer.connect();
    dir = mkdtempSync(join(tmpdir(), 'lake-outage-'));
  }, 120000);

  afterAll(async () => {
    await producer?.disconnect().catch(() => undefined);
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  let seq = 0;
  const produce = async (n: number) => {
    for (let i = 0; i < n; i += 500) {
      const records = Array.from({ length: Math.min(500, n - i) }, () => {
        const s = seq++;
        return {
          key: `j-${s % 41}`,
          value: JSON.stringify({
            schema: LAKE_SCHEMAS[withoutNamespace(T)],
            seq: s,
            journeyId: `j-${s % 41}`,
          }),
          timestamp: String(HOUR + s),
        };
      });
      await producer.emit(T, records);
    }
  };

  const sink = async (ready: boolean) => {
    const port = await freePort();
    const app = new AppProcess({
      name: 'lake-sink',
      env: {
        ...broker.env(),
        PORT: String(port),
        LOG_LEVEL: 'warn',
        LAKE_SINK_TARGET: dir,
        LAKE_SINK_FLUSH_RECORDS: '100',
        LAKE_SINK_FLUSH_INTERVAL_MS: '1000',
        LAKE_SINK_STALL_AFTER_MS: '30000',
      },
      readyUrl: ready ? `http://127.0.0.1:${port}/health/ready` : undefined,
      readyTimeoutMs: 120000,
    });
    await app.start();
    return { app, url: `http://127.0.0.1:${port}` };
  };

  it('comes back once the brokers are back and writes every record exactly once, to lag 0', async () => {
    const store = new LocalStore(dir);
    // A first instance writes part of the backlog and is killed mid-stream.
    await produce(1500);
    const first = await sink(true);
    await waitFor(async () => ((await lakeLines(store)).length > 0 ? true : undefined), {
      timeoutMs: 60000,
      what: 'a first file in the lake',
    });
    first.app.kill('SIGKILL');
    await first.app.exited();
    await produce(1500);

    // Every broker down; a new instance starts and is killed while its start-up waits for Kafka.
    await broker.killAll();
    const second = await sink(false);
    const during = await waitFor(
      () => {
        if (!second.app.running) return 'exited' as const;
        return second.app.output().some((l) => KAFKA_UNREACHABLE.test(l)) ? ('waiting' as const) : undefined;
      },
      { timeoutMs: 120000, what: 'lake-sink to meet the outage in its start-up' },
    );
    const readyDuringOutage = await fetch(`${second.url}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    second.app.kill('SIGKILL');
    const killed = await second.app.exited();
    expect({ during, readyDuringOutage, exit: during === 'waiting' ? killed.signal : 'exited' }).toEqual({
      during,
      readyDuringOutage: false,
      exit: during === 'waiting' ? 'SIGKILL' : 'exited',
    });

    // The brokers come back; so does the sink (as an orchestrator would restart it), and it catches up.
    await broker.restartAll();
    const third = await sink(true);
    try {
      const got = await waitFor(
        async () => {
          const l = await lakeLines(store);
          return l.length >= 3000 ? l : undefined;
        },
        { timeoutMs: 180000, what: 'every record in the lake' },
      );
      const coords = got.map((l) => `${l.partition}/${l.offset}`);
      expect({ lines: coords.length, distinct: new Set(coords).size }).toEqual({
        lines: 3000,
        distinct: 3000,
      });
      const seqs = new Set(got.map((l) => (l.value as { seq: number }).seq));
      expect(seqs.size).toBe(3000);
      const lag = await waitFor(
        async () => {
          const [t] = await consumerGroupLag(kafka, `lake-sink.${T}`, [T], { oldest: false });
          return t.lag === 0 ? t : undefined;
        },
        { timeoutMs: 60000, what: "lake-sink's group at lag 0" },
      );
      expect(lag.lag).toBe(0);
      const ready = await fetch(`${third.url}/health/ready`);
      expect(ready.status).toBe(200);
      // The gauges follow the consumers' progress at the watch's next look.
      const metrics = await waitFor(
        async () => {
          const text = await (await fetch(`${third.url}/metrics`)).text();
          return /lake_sink_consumer_lag_records(\{[^}]*\})? 0\n/.test(text) ? text : undefined;
        },
        { timeoutMs: 30000, what: 'lake_sink_consumer_lag_records at 0' },
      );
      expect(metrics).toMatch(
        new RegExp(`lake_sink_consumer_last_progress_timestamp_seconds\\{topic="${T.replace(/\./g, '\\.')}"`),
      );
    } finally {
      await third.app.stop();
    }
  }, 600000);
});
