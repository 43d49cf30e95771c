import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { LoggingEnv } from './logging-settings';
import { pinoHttpOptions, ServiceIdentity } from './pino-options';

/**
 * JSON logging for an app: `LoggingModule.forRoot({service, version}, env)` and, in main.ts,
 * `NestFactory.create(AppModule, { bufferLogs: true })` then `app.useLogger(app.get(Logger))`.
 */
@Module({})
export class LoggingModule {
  static forRoot(identity: ServiceIdentity, env: LoggingEnv): DynamicModule {
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: pinoHttpOptions(identity, env) })],
      exports: [LoggerModule],
    };
  }
}
