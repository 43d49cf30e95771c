import { runExtractorApp } from '@fenx/extraction';
import { AppModule } from './app/app.module';
import { APP, loadJourneyConfig } from './app/journey-config';
import { SafetyNetService } from './app/safety-net.service';

async function main(): Promise<void> {
  let config;
  try {
    config = loadJourneyConfig();
  } catch (error) {
    process.stderr.write(`${APP.service}: ${(error as Error).message}\n`);
    process.exit(2);
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

main().catch((error: unknown) => {
  process.stderr.write(
    `${APP.service} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
