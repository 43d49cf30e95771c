import { NestFactory } from '@nestjs/core';
import { Command, Option } from 'commander';
import { Logger } from 'nestjs-pino';
import { seriesChart, writeSvg } from '@fenx/charts';
import { isoTime, Progress, runMain, UsageError } from '@fenx/cli';
import { formatCsv, formatTable, LakeSql, REPORTS, Row } from '@fenx/lake-sql';
import { isTopicName } from '@fenx/kafka-contracts';
import { APP, LAKE_TOPICS, loadLakeSinkConfig } from './app/lake-config';
import { LakeSinkModule } from './app/lake-sink.module';
import { lakeStore } from './app/lake-store';
import { replay } from './app/replay';
import { compactHour, HourOpenError } from './app/compact';

function config() {
  try {
    return loadLakeSinkConfig();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function run(): Promise<void> {
  const c = config();
  const app = await NestFactory.create(LakeSinkModule.forRoot(c), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.listen(c.port, '0.0.0.0');
}

function print(rows: Row[], format: string): void {
  if (format === 'json') process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (format === 'csv') process.stdout.write(formatCsv(rows));
  else process.stdout.write(`${formatTable(rows)}\n`);
}

async function withLake(dir: string | undefined, f: (lake: LakeSql) => Promise<Row[]>, format: string) {
  const c = config();
  const root = dir ?? c.target;
  if (root.startsWith('s3://'))
    throw new UsageError(
      'SQL reads a local lake directory: copy the S3 prefix locally (e.g. aws s3 sync) and pass --lake',
    );
  const lake = await LakeSql.open(root, { fields: c.entityFields });
  try {
    print(await f(lake), format);
  } finally {
    lake.close();
  }
}

/** The rows, drawn into `file` first when one is given. */
async function charted(rows: Row[], title: string, file: string | undefined): Promise<Row[]> {
  if (file) {
    if (rows.length === 0) throw new Error(`no rows: no chart written to ${file}`);
    await writeSvg(file, seriesChart({ title, rows }));
  }
  return rows;
}

const format = () =>
  new Option('--format <format>', 'how rows are printed').choices(['table', 'csv', 'json']).default('table');
const lakeDir = () => new Option('--lake <dir>', 'the lake directory (default LAKE_SINK_TARGET)');
const program = new Command(APP.service).description(
  'Kafka detail topics into date/hour files; SQL over them',
);
program
  .command('run', { isDefault: true })
  .description('consume the lake topics into files (settings from the environment)')
  .action(run);
program
  .command('sql')
  .description(
    'run any SQL over the lake views (journeys, journey_tasks, entities, entity_drafts, entity_drafts_behind, ...)',
  )
  .argument('<query>')
  .addOption(format())
  .addOption(lakeDir())
  .option('--chart <file>', 'also draw the rows as an SVG chart (lines over the first column) into this file')
  .action((query: string, o: { format: string; lake?: string; chart?: string }) =>
    withLake(o.lake, async (l) => charted(await l.query(query), 'query', o.chart), o.format),
  );
program
  .command('report')
  .description(
    `a ready-made report: ${Object.entries(REPORTS)
      .map(([k, r]) => `${k} (${r.description})`)
      .join('; ')}`,
  )
  .argument('<name>')
  .addOption(format())
  .addOption(lakeDir())
  .option('--chart <file>', "also draw the report's series as an SVG chart into this file")
  .action((name: string, o: { format: string; lake?: string; chart?: string }) => {
    if (!REPORTS[name])
      throw new UsageError(`unknown report ${name}; reports: ${Object.keys(REPORTS).join(', ')}`);
    return withLake(
      o.lake,
      async (l) => charted(await l.report(name), `${name}: ${REPORTS[name].description}`, o.chart),
      o.format,
    );
  });
program
  .command('replay')
  .description('re-publish what the lake holds of a topic for a period into a topic')
  .requiredOption('--topic <topic>', 'the topic whose files are read')
  .requiredOption('--from <time>', 'ISO-8601, inclusive', isoTime)
  .requiredOption('--to <time>', 'ISO-8601, exclusive', isoTime)
  .option('--into <topic>', 'where to publish (default: the same topic)')
  .option('--no-progress', 'no progress bar or progress lines')
  .action(async (o: { topic: string; from: Date; to: Date; into?: string; progress: boolean }) => {
    const into = o.into ?? o.topic;
    if (!isTopicName(into)) throw new UsageError(`replay: --into ${into} is not a manifest topic`);
    if (o.from >= o.to) throw new UsageError('replay: --from must be before --to');
    const c = config();
    const progress = new Progress({ label: `lake replay ${o.topic}`, unit: 'records', enabled: o.progress });
    const n = await replay(lakeStore(c.target, c.s3), c.kafka, {
      topic: o.topic,
      from: o.from,
      to: o.to,
      into,
      onProgress: (done) => progress.update(done),
    });
    progress.stop();
    process.stdout.write(
      `replayed ${n} records of ${o.topic} [${o.from.toISOString()}, ${o.to.toISOString()}) into ${into}\n`,
    );
  });

program
  .command('compact')
  .description(
    'turn a closed hour of the lake (NDJSON and Connect JSON lines) into one Parquet file per topic, sorted by key',
  )
  .requiredOption('--hour <time>', 'ISO-8601, any time in the hour (UTC)', isoTime)
  .option('--topic <topic>', 'one topic (default: every lake topic)')
  .option('--grace-minutes <n>', 'minutes after the hour ends before it counts as closed', '15')
  .action(async (o: { hour: Date; topic?: string; graceMinutes: string }) => {
    const c = config();
    const grace = Number(o.graceMinutes);
    if (!Number.isFinite(grace) || grace < 0)
      throw new UsageError('compact: --grace-minutes must be 0 or more');
    const store = lakeStore(c.target, c.s3);
    for (const topic of o.topic ? [o.topic] : LAKE_TOPICS) {
      try {
        const r = await compactHour(store, { topic, hour: o.hour, graceMs: grace * 60_000 });
        process.stdout.write(`${r.path}: ${r.rows} records from ${r.sources} files, ${r.bytes} bytes\n`);
      } catch (error) {
        if (error instanceof HourOpenError) throw new UsageError(error.message);
        if (!o.topic && /has no lake files/.test((error as Error).message)) continue;
        throw error;
      }
    }
  });

runMain(program);
