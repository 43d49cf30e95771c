import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { CONTEXT_KEY, pinoHttpOptions } from '@fenx/logging';
import { MetricsModule } from '@fenx/metrics';
import { HealthController } from './health.controller';
import { InternalListener } from './internal-listener';
import { APP, RadarConfig } from './radar-config';
import { RadarKafka } from './radar-kafka';
import { RADAR_METRIC_PROVIDERS, RadarMetrics } from './radar-metrics';
import { RADAR_CONFIG } from './tokens';
import { webhookController } from './webhook.controller';

@Module({})
export class RadarModule {
  static forRoot(config: RadarConfig): DynamicModule {
    return {
      module: RadarModule,
      imports: [
        // @fenx/logging's ECS lines through nestjs-pino, without its request middleware (forRoutes: none):
        // no per-request child logger, async context or request line. The request id is radar's own
        // (request-context.ts), and refusals, flags and failures are logged with it.
        LoggerModule.forRoot({
          pinoHttp: pinoHttpOptions(APP, config.logging),
          renameContext: CONTEXT_KEY,
          forRoutes: [],
        }),
        MetricsModule.forRoot({ app: APP.service }),
        TerminusModule,
      ],
      controllers: [webhookController(config.webhookPath), HealthController],
      providers: [
        { provide: RADAR_CONFIG, useValue: config },
        ...RADAR_METRIC_PROVIDERS,
        RadarMetrics,
        InternalListener,
        {
          provide: RadarKafka,
          inject: [RADAR_CONFIG, RadarMetrics],
          useFactory: async (c: RadarConfig, m: RadarMetrics) => {
            const kafka = new RadarKafka(c, m);
            await kafka.connect();
            return kafka;
          },
        },
      ],
    };
  }
}
