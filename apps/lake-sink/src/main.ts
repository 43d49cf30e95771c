import { NestFactory } from '@nestjs/core';
import { Command, Option } from 'commander';
import { Logger } from 'nestjs-pino';
import { formatCsv, formatTable, LakeSql, REPORTS, Row } from '@fenx/lake-sql';
import { isTopicName } from '@fenx/kafka';
import { APP, loadLakeSinkConfig } from './app/lake-config';
import { LakeSinkModule } from './app/lake-sink.module';
import { lakeStore } from './app/lake-store';
import { replay } from './app/replay';

function config() {
  try {
    return loadLakeSinkConfig();
  } catch (error) {
    process.stderr.write(`${APP.service}: ${(error as Error).message}\n`);
    process.exit(2);
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
  const root = dir ?? config().target;
  if (root.startsWith('s3://')) {
    process.stderr.write(
      'SQL reads a local lake directory: copy the S3 prefix locally (e.g. aws s3 sync) and pass --lake\n',
    );
    process.exit(2);
  }
  const lake = await LakeSql.open(root);
  try {
    print(await f(lake), format);
  } finally {
    lake.close();
  }
}

const format = new Option('--format <format>', 'table, csv or json')
  .choices(['table', 'csv', 'json'])
  .default('table');
const lakeDir = new Option('--lake <dir>', 'the lake directory (default LAKE_SINK_TARGET)');
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
  .addOption(format)
  .addOption(lakeDir)
  .action((query: string, o: { format: string; lake?: string }) =>
    withLake(o.lake, (l) => l.query(query), o.format),
  );
program
  .command('report')
  .description(
    `a ready-made report: ${Object.entries(REPORTS)
      .map(([k, r]) => `${k} (${r.description})`)
      .join('; ')}`,
  )
  .argument('<name>')
  .addOption(format)
  .addOption(lakeDir)
  .action((name: string, o: { format: string; lake?: string }) => {
    if (!REPORTS[name]) {
      process.stderr.write(`unknown report ${name}; reports: ${Object.keys(REPORTS).join(', ')}\n`);
      process.exit(2);
    }
    return withLake(o.lake, (l) => l.report(name), o.format);
  });
program
  .command('replay')
  .description('re-publish what the lake holds of a topic for a period into a topic')
  .requiredOption('--topic <topic>', 'the topic whose files are read')
  .requiredOption('--from <time>', 'ISO-8601, inclusive')
  .requiredOption('--to <time>', 'ISO-8601, exclusive')
  .option('--into <topic>', 'where to publish (default: the same topic)')
  .action(async (o: { topic: string; from: string; to: string; into?: string }) => {
    const c = config();
    const into = o.into ?? o.topic;
    const from = new Date(o.from);
    const to = new Date(o.to);
    if (!isTopicName(into) || Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
      process.stderr.write('replay: --into must be a manifest topic and --from < --to ISO-8601 times\n');
      process.exit(2);
    }
    const n = await replay(lakeStore(c.target, c.s3), c.kafka, { topic: o.topic, from, to, into });
    process.stdout.write(`replayed ${n} records of ${o.topic} [${o.from}, ${o.to}) into ${into}\n`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(
    `${APP.service}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
