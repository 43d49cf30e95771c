import { runMain } from '@fenx/cli';
import { ConfigValidationError } from '@fenx/config';
import { ExtractorMode, runExtractorApp } from '@fenx/extraction';
import { Command, InvalidArgumentError, Option } from 'commander';
import { AppModule } from './app/app.module';
import { loadConfig } from './app/config';
import { BackfillCommand, EntityJobs } from './app/entity-jobs';
import { ReconcileScheduler } from './app/reconcile.scheduler';

function date(value: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError(`not an ISO-8601 date: ${value}`);
  return d;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`not a positive integer: ${value}`);
  return n;
}

/** Runs the app in a mode; resolves with the exit code (jobs and `once`), or keeps running (`continuous`). */
async function run(mode?: ExtractorMode, backfill?: BackfillCommand): Promise<void> {
  let config;
  try {
    config = loadConfig(undefined, mode);
  } catch (error) {
    // A bad environment is named in full and ends with its own exit code.
    if (!(error instanceof ConfigValidationError)) throw error;
    process.stderr.write(`entity-extractor: ${error.message}\n`);
    process.exit(2);
  }
  const running = await runExtractorApp({
    app: 'entity-extractor',
    module: AppModule.forRoot(config),
    settings: config.extractor,
    jobs: {
      reconciliation: (app) => app.get(EntityJobs).reconcile(),
      backfill: (app) => {
        if (!backfill) throw new Error('backfill runs from the `backfill` command');
        return app.get(EntityJobs).backfill(backfill);
      },
    },
    onContinuousStarted: (app) => app.get(ReconcileScheduler).start(),
  });
  process.exitCode = await running.done;
  // Jobs end here; a service ends here only when its consumer failed (a stopped one lets Nest finish).
  if (config.extractor.mode !== 'continuous' || process.exitCode !== 0) process.exit(process.exitCode);
}

const program = new Command('entity-extractor')
  .description('Legal entities, drafts, associations and draft conflicts from FenX into Kafka')
  .showHelpAfterError();

program
  .command('run', { isDefault: true })
  .description(
    'consume topic 1 in EXTRACTOR_MODE (continuous: service with an hourly reconciliation; once: drain and exit)',
  )
  .action(() => run());

program
  .command('once')
  .description('drain topic 1 to the watermarks noted at start, push metrics, exit')
  .action(() => run('once'));

program
  .command('reconcile')
  .description(
    "one reconciliation run: FenX's entity-updated report since the cursor, as events into topic 1",
  )
  .action(() => run('reconciliation'));

program
  .command('backfill')
  .description('one synthetic event per entity into topic 1, at a bounded rate, resumable')
  .addOption(
    new Option(
      '--ids-file <path>',
      'entity ids, one per line (or a CSV whose first column is the id)',
    ).conflicts('fromApi'),
  )
  .addOption(
    new Option('--from-api', "entity ids from FenX's entity created/updated reports").conflicts('idsFile'),
  )
  .option(
    '--since <date>',
    'with --from-api: first day the reports are read from',
    date,
    new Date('2000-01-01T00:00:00Z'),
  )
  .option('--run-id <id>', 'names the run; its position is kept under this id', 'default')
  .option('--restart', 'forget the stored position of the run and start again', false)
  .option('--chunk-size <n>', 'events per acknowledged write and position update', positiveInt, 200)
  .option('--no-progress', 'no progress bar')
  .action(
    (opts: {
      idsFile?: string;
      fromApi?: boolean;
      since: Date;
      runId: string;
      restart: boolean;
      chunkSize: number;
      progress: boolean;
    }) => {
      if (!opts.idsFile && !opts.fromApi) program.error('backfill: give --ids-file <path> or --from-api');
      return run('backfill', {
        idsFile: opts.idsFile,
        fromApi: opts.fromApi,
        since: opts.since,
        runId: opts.runId,
        restart: opts.restart,
        chunkSize: opts.chunkSize,
        progressBar: opts.progress,
      });
    },
  );

runMain(program);
