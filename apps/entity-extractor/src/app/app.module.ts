import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { EXTRACTION_SPEC, ExtractionMetrics, ExtractionModule, TenantBudget } from '@fenx/extraction';
import { FenxClientModule } from '@fenx/fenx-client';
import { TOPICS } from '@fenx/kafka-contracts';
import { kafkaLogsThroughPino, LoggingModule } from '@fenx/logging';
import { MetricsModule } from '@fenx/metrics';
import { APP_NAME, EntityExtractorConfig } from './config';
import { EntityJobs, RECONCILE_SETTINGS } from './entity-jobs';
import { ENTITY_SPEC_OPTIONS, EntitySpec } from './entity-spec';
import { ReconcileScheduler } from './reconcile.scheduler';

/** The entity extractor: the shared extraction machinery over `EntitySpec`, plus its jobs. */
@Module({})
export class AppModule {
  static forRoot(config: EntityExtractorConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot({ service: APP_NAME, version: config.version }, config.logging),
        MetricsModule.forRoot({ app: APP_NAME }),
        ScheduleModule.forRoot(),
        // Every FenX call is counted in <app>_fenx_requests_total and timed by operation.
        FenxClientModule.forRootAsync({
          inject: [ExtractionMetrics, TenantBudget],
          useFactory: (metrics: ExtractionMetrics, budget: TenantBudget) => ({
            settings: config.fenx,
            // This process's part of the tenant's budget (its extractor's share, split by partitions).
            options: { listener: metrics.fenxListener(), rateLimiter: budget.limiter },
          }),
        }),
        ExtractionModule.forRoot({
          app: APP_NAME,
          settings: config.extractor,
          kafka: config.kafka,
          outputTopic: TOPICS.entityDetails.name,
          deadLetterTopic: TOPICS.entityExtractorDeadLetter.name,
          kafkaLogCreator: kafkaLogsThroughPino,
          fenxBudget: {
            ratePerSecond: config.fenx.rateLimitPerSecond,
            maxConcurrency: config.fenx.maxConcurrency,
          },
          providers: [
            {
              provide: ENTITY_SPEC_OPTIONS,
              useValue: { notFoundGraceMs: config.notFoundGraceMs, scanOpenDrafts: config.scanOpenDrafts },
            },
            EntitySpec,
            { provide: EXTRACTION_SPEC, useExisting: EntitySpec },
          ],
        }),
      ],
      providers: [
        { provide: RECONCILE_SETTINGS, useValue: config.reconcile },
        EntityJobs,
        ReconcileScheduler,
      ],
    };
  }
}
