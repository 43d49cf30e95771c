import { INestApplicationContext, Logger, LoggerService, Type, DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { pushMetrics } from '@fenx/metrics';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { Extractor } from './extractor';
import type { ExtractorSettings } from './extractor-settings';

export interface RunExtractorAppOptions {
  /** The app's name: the Pushgateway job. */
  app: string;
  /** The app's root module (it imports `LoggingModule`, `MetricsModule` and `ExtractionModule`). */
  module: Type<unknown> | DynamicModule;
  settings: ExtractorSettings;
  /** One-off jobs by mode name (e.g. `safety-net`); each resolves with a summary for the log. */
  jobs?: Partial<Record<string, (app: INestApplicationContext) => Promise<unknown>>>;
  /** Called once the continuous app listens (e.g. to start schedules). */
  onContinuousStarted?: (app: INestApplicationContext) => Promise<void> | void;
}

export interface RunningExtractorApp {
  /**
   * `once` and jobs: the exit code (0 success) once the app is closed. `continuous`: 0 when the
   * consumer was stopped (shutdown in progress: let Nest finish), 1 when it failed (app closed).
   */
  done: Promise<number>;
  app: INestApplicationContext;
}

function useLogger(app: INestApplicationContext): LoggerService {
  try {
    const logger = app.get(PinoNestLogger);
    app.useLogger(logger);
    return logger;
  } catch {
    return new Logger('Extractor');
  }
}

async function push(options: RunExtractorAppOptions, logger: Logger): Promise<boolean> {
  const url = options.settings.pushgatewayUrl;
  if (!url) {
    logger.warn("PUSHGATEWAY_URL is not set: the run's metrics are not pushed");
    return true;
  }
  try {
    await pushMetrics(url, options.app);
    logger.log({ pushgateway: url }, 'metrics pushed');
    return true;
  } catch (error) {
    logger.error({ pushgateway: url, err: error }, 'pushing metrics failed');
    return false;
  }
}

/**
 * Runs an extractor in the mode of its settings, one code path for all: `continuous` serves
 * /metrics and /health/* and consumes until stopped; `once` drains topic 1 to the watermarks noted
 * at start, pushes its metrics to the Pushgateway and resolves with exit code 0 (1 on failure); a
 * job mode (`safety-net`…) runs the app's job, pushes metrics and resolves likewise.
 */
export async function runExtractorApp(options: RunExtractorAppOptions): Promise<RunningExtractorApp> {
  const { mode } = options.settings;
  const logger = new Logger('Extractor');
  if (mode === 'continuous') {
    const app = await NestFactory.create(options.module, { bufferLogs: true });
    useLogger(app);
    app.enableShutdownHooks();
    await app.listen(options.settings.port);
    const extractor = app.get(Extractor);
    logger.log({ mode, port: options.settings.port, groupId: options.settings.groupId }, 'extractor started');
    const done = extractor.runContinuous().then(
      () => 0,
      async (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        logger.error(
          { err: error },
          `the consumer failed for good (${reason}): not ready, exiting with code 1 so it restarts`,
        );
        // A consumer stuck for good may never finish stopping: the exit does not wait on it past 30 s.
        await Promise.race([
          app.close().catch(() => undefined),
          new Promise((resolve) => setTimeout(resolve, 30000).unref()),
        ]);
        return 1;
      },
    );
    await options.onContinuousStarted?.(app);
    return { app, done };
  }

  const app = await NestFactory.createApplicationContext(options.module, { bufferLogs: true });
  useLogger(app);
  const run = async (): Promise<number> => {
    let ok = true;
    try {
      if (mode === 'once') {
        const summary = await app.get(Extractor).runOnce();
        logger.log({ mode, ...summary }, 'once run finished');
      } else {
        const job = options.jobs?.[mode];
        if (!job) throw new Error(`${options.app} has no job "${mode}"`);
        const summary = await job(app);
        logger.log({ mode, summary }, 'job finished');
      }
    } catch (error) {
      ok = false;
      logger.error({ mode, err: error }, `${mode} run failed`);
    }
    const pushed = await push(options, logger);
    await app.close();
    return ok && pushed ? 0 : 1;
  };
  return { app, done: run() };
}
