import { runMain, UsageError } from '@fenx/cli';
import { ConfigValidationError, processEnv } from '@fenx/config';
import { runExtractorApp } from '@fenx/extraction';
import { Command } from 'commander';
import { AppModule } from './app/app.module';
import { APP, loadJourneyConfig } from './app/journey-config';
import { SafetyNetService } from './app/safety-net.service';

/** Runs the app in EXTRACTOR_MODE, or in the mode a command names. */
async function main(mode?: 'once' | 'safety-net'): Promise<void> {
  let config;
  try {
    config = loadJourneyConfig(mode ? { ...processEnv(), EXTRACTOR_MODE: mode } : processEnv());
  } catch (error) {
    // A bad environment is named in full and ends with exit 2.
    if (error instanceof ConfigValidationError) throw new UsageError(error.message);
    throw error;
  }
  const { done } = await runExtractorApp({
    app: APP.service,
    module: AppModule.forRoot(config),
    settings: config.extractor,
    jobs: { 'safety-net': (app) => app.get(SafetyNetService).run() },
    onContinuousStarted: (app) => app.get(SafetyNetService).schedule(),
  });
  const code = await done;
  // A continuous consumer stopped by a signal ends with Nest's shutdown hooks, not here.
  if (config.extractor.mode !== 'continuous' || code !== 0) process.exit(code);
}

const program = new Command(APP.service).description(
  'FenX journey events from topic 1 into one JourneyDetail snapshot per journey (settings from the environment)',
);
program
  .command('run', { isDefault: true })
  .description(
    'consume topic 1 in EXTRACTOR_MODE (continuous: service with a safety net; once: drain and exit; safety-net: one run)',
  )
  .action(() => main());
program
  .command('once')
  .description('drain topic 1 to the watermarks noted at start, push metrics, exit')
  .action(() => main('once'));
program
  .command('safety-net')
  .description("one safety-net run: FenX's journey-updated report since the cursor, as events into topic 1")
  .action(() => main('safety-net'));

runMain(program);
