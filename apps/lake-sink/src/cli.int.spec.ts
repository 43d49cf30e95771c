import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { createKafka, readTopic } from '@fenx/kafka';
import { TOPICS, withoutNamespace } from '@fenx/kafka-contracts';
import { sharedKafka } from '@fenx/kafka/test';

/** The built lake-sink's command line (nx build lake-sink), as an operator runs it. */
function lakeSinkWith(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(workspaceRoot, 'dist', 'apps', 'lake-sink', 'main.js'), ...args],
      // No Kafka and no lake target: commands that need neither must not touch them.
      { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 120000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout, err: stderr }),
    );
  });
}

const lakeSink = (...args: string[]) => lakeSinkWith({}, ...args);

const ROWS = `SELECT * FROM (VALUES ('2026-11-02', 'IE', 3, 1), ('2026-11-09', 'IE', 5, 2), ('2026-11-09', '北京', 2, 2))
  t(week, country, started, completed)`;

describe('lake-sink command line', () => {
  let lake: string;
  beforeAll(() => {
    lake = mkdtempSync(join(tmpdir(), 'lake-cli-'));
  });
  afterAll(() => rmSync(lake, { recursive: true, force: true }));

  it('answers --help for the app and each command without starting anything', async () => {
    const top = await lakeSink('--help');
    expect(top.code).toBe(0);
    expect(top.out).toContain('Usage: lake-sink [options] [command]');
    const sql = await lakeSink('sql', '--help');
    expect(sql.code).toBe(0);
    expect(sql.out).toContain('--format <format>');
    expect(sql.out).toContain('--chart <file>');
  });

  it('prints rows as a table aligned for non-ASCII text, as CSV and as JSON', async () => {
    const table = await lakeSink('sql', ROWS, '--lake', lake);
    expect(table.code).toBe(0);
    expect(table.out.split('\n')).toEqual([
      'week        country  started  completed',
      '----------  -------  -------  ---------',
      '2026-11-02  IE       3        1',
      '2026-11-09  IE       5        2',
      '2026-11-09  北京     2        2',
      '',
    ]);
    const csv = await lakeSink('sql', ROWS, '--lake', lake, '--format', 'csv');
    expect(csv.out).toBe(
      'week,country,started,completed\n2026-11-02,IE,3,1\n2026-11-09,IE,5,2\n2026-11-09,北京,2,2\n',
    );
    const json = await lakeSink('sql', ROWS, '--lake', lake, '--format', 'json');
    expect(JSON.parse(json.out)).toContainEqual({
      week: '2026-11-09',
      country: '北京',
      started: 2,
      completed: 2,
    });
  });

  it('refuses an unknown format, report or time with exit 2 and the reason', async () => {
    const format = await lakeSink('sql', 'SELECT 1', '--lake', lake, '--format', 'xml');
    expect(format.code).toBe(2);
    expect(format.err).toContain("argument 'xml' is invalid. Allowed choices are table, csv, json.");
    const report = await lakeSink('report', 'weekly', '--lake', lake);
    expect(report).toMatchObject({ code: 2, out: '' });
    expect(report.err).toContain('lake-sink: unknown report weekly; reports: onboarding-weekly,');
    const time = await lakeSink(
      'replay',
      '--topic',
      'fenx.journey.details.v1',
      '--from',
      'monday',
      '--to',
      '2026-11-24',
    );
    expect(time.code).toBe(2);
    expect(time.err).toContain(
      `option '--from <time>' argument 'monday' is invalid. expected an ISO-8601 time`,
    );
  });

  it('says a SQL error on one line with its position, exit 1', async () => {
    const run = await lakeSink('sql', 'SELECT count(*)\nFROM journeys WHER x = 1', '--lake', lake);
    expect(run.code).toBe(1);
    expect(run.out).toBe('');
    expect(run.err).toBe(
      'lake-sink: SQL error at line 2, column 20: Parser Error: syntax error at or near "x"\n',
    );
  });

  it('draws the rows as an SVG chart with --chart, and refuses to draw nothing', async () => {
    const file = join(lake, 'charts', 'weekly.svg');
    const run = await lakeSink('sql', ROWS, '--lake', lake, '--format', 'csv', '--chart', file);
    expect(run.code).toBe(0);
    const svg = readFileSync(file, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const series of ['started IE', 'completed 北京']) expect(svg).toContain(series);

    const empty = join(lake, 'empty.svg');
    const none = await lakeSink('report', 'onboarding-weekly', '--lake', lake, '--chart', empty);
    expect(none.code).toBe(1);
    expect(none.err).toBe(`lake-sink: no rows: no chart written to ${empty}\n`);
    expect(existsSync(empty)).toBe(false);
  });

  it('replays a period of the lake into a topic, its progress as JSON lines when not a TTY', async () => {
    const broker = await sharedKafka();
    try {
      const topic = TOPICS.journeyDetails.name;
      const into = TOPICS.lakeSinkDeadLetter.name;
      const bare = withoutNamespace(topic);
      const dir = join(lake, 'replay', `topic=${bare}`, 'dt=2026-11-23', 'hour=06');
      mkdirSync(dir, { recursive: true });
      const lines = Array.from({ length: 120 }, (_, i) =>
        JSON.stringify({
          topic: bare,
          partition: 0,
          offset: String(i),
          timestamp: new Date(Date.parse('2026-11-23T06:00:00Z') + i * 1000).toISOString(),
          key: `j-${i % 9}`,
          headers: {},
          value: { seq: i },
        }),
      );
      writeFileSync(join(dir, `${bare}+0+0.ndjson`), `${lines.join('\n')}\n`);
      const run = await lakeSinkWith(
        {
          ...broker.env(),
          KAFKA_NAMESPACE: process.env['KAFKA_NAMESPACE'] ?? '',
          LAKE_SINK_TARGET: join(lake, 'replay'),
        },
        'replay',
        '--topic',
        topic,
        '--from',
        '2026-11-23T06:00:00Z',
        '--to',
        '2026-11-23T06:01:00Z',
        '--into',
        into,
      );
      if (run.code !== 0) throw new Error(run.err);
      expect(run.out).toBe(
        `replayed 60 records of ${topic} [2026-11-23T06:00:00.000Z, 2026-11-23T06:01:00.000Z) into ${into}\n`,
      );
      const progress = run.err
        .split('\n')
        .filter((l) => l.startsWith('{"@timestamp"'))
        .map(
          (l) =>
            JSON.parse(l) as { message: string; progress: { done: number; finished: boolean; unit: string } },
        );
      expect(progress.length).toBeGreaterThanOrEqual(2);
      expect(progress[0].progress).toMatchObject({ done: 0, finished: false, unit: 'records' });
      expect(progress.at(-1)?.progress).toMatchObject({ done: 60, finished: true });
      expect(progress.at(-1)?.message).toMatch(
        new RegExp(`^lake replay ${topic.replace(/\./g, '\\.')}: 60 records, .*, done$`),
      );
      const kafka = createKafka(broker.settings(), { logCreator: () => () => undefined });
      expect(await readTopic(kafka, into)).toHaveLength(60);
    } finally {
      await broker.stop();
    }
  });
});
