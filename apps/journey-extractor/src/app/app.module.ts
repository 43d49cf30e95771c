import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { EXTRACTION_SPEC, ExtractionMetrics, ExtractionModule, TenantBudget } from '@fenx/extraction';
import { FenxClientModule } from '@fenx/fenx-client';
import { TOPICS } from '@fenx/kafka-contracts';
import { kafkaLogsThroughPino, LoggingModule } from '@fenx/logging';
import { MetricsModule } from '@fenx/metrics';
import { APP, JourneyConfig } from './journey-config';
import { EtagCache, JourneySpec } from './journey-spec';
import { SafetyNetService } from './safety-net.service';
import { JOURNEY_CONFIG } from './tokens';

@Module({})
export class AppModule {
  static forRoot(config: JourneyConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot(APP, config.logging),
        MetricsModule.forRoot({ app: APP.service }),
        ScheduleModule.forRoot(),
        ExtractionModule.forRoot({
          app: APP.service,
          settings: config.extractor,
          kafka: config.kafka,
          outputTopic: TOPICS.journeyDetails.name,
          deadLetterTopic: TOPICS.journeyExtractorDeadLetter.name,
          kafkaLogCreator: kafkaLogsThroughPino,
          fenxBudget: {
            ratePerSecond: config.fenx.rateLimitPerSecond,
            maxConcurrency: config.fenx.maxConcurrency,
          },
          providers: [
            { provide: JOURNEY_CONFIG, useValue: config },
            EtagCache,
            JourneySpec,
            { provide: EXTRACTION_SPEC, useExisting: JourneySpec },
            SafetyNetService,
          ],
        }),
        FenxClientModule.forRootAsync({
          inject: [ExtractionMetrics, TenantBudget],
          useFactory: (metrics: ExtractionMetrics, budget: TenantBudget) => ({
            settings: config.fenx,
            // This process's part of the tenant's budget (its extractor's share, split by partitions).
            options: { listener: metrics.fenxListener(), rateLimiter: budget.limiter },
          }),
        }),
      ],
    };
  }
}
