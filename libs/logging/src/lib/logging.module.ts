import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { LoggingEnv } from './logging-settings';
import { CONTEXT_KEY, pinoHttpOptions, ServiceIdentity } from './pino-options';

/**
 * ECS JSON logging for an app: `LoggingModule.forRoot({service, version}, env)` and, in main.ts,
 * `NestFactory.create(AppModule, { bufferLogs: true })` then `app.useLogger(app.get(Logger))`.
 */
@Module({})
export class LoggingModule {
  /** `destination` is stdout unless given (tests read the lines from a stream). */
  static forRoot(identity: ServiceIdentity, env: LoggingEnv, destination?: DestinationStream): DynamicModule {
    const options = pinoHttpOptions(identity, env);
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: destination ? [options, destination] : options,
          renameContext: CONTEXT_KEY,
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
