import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { LoggingEnv } from '@fenx/logging';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { SimulatorEnv } from './config/simulator-env';

/** Builds the simulator app (shared by main.ts and the contract tests). */
export async function createSimulatorApp(env: SimulatorEnv, logging: LoggingEnv): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env, logging), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  // Journey ETags are FenX's, computed from the record version; Express's own would interfere.
  app.set('etag', false);
  app.set('x-powered-by', false);
  app.enableShutdownHooks();
  return app;
}
