import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { EXTRACTION_SPEC, ExtractionMetrics, ExtractionModule } from '@fenx/extraction';
import { FenxClientModule } from '@fenx/fenx-client';
import { TOPICS } from '@fenx/kafka';
import { kafkaLogCreator, LoggingModule } from '@fenx/logging';
import { MetricsModule } from '@fenx/metrics';
import type { logCreator } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { APP, JourneyConfig } from './journey-config';
import { EtagCache, JourneySpec } from './journey-spec';
import { SafetyNetService } from './safety-net.service';
import { JOURNEY_CONFIG } from './tokens';

/** kafkajs lines through the app's pino logger, resolved when kafkajs first logs. */
const kafkaLogs: logCreator = (level) => {
  let write: ReturnType<ReturnType<typeof kafkaLogCreator>> | undefined;
  return (entry) => {
    if (!write && PinoLogger.root) write = kafkaLogCreator(PinoLogger.root)();
    write?.(entry);
    void level;
  };
};

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
          kafkaLogCreator: kafkaLogs,
          providers: [
            { provide: JOURNEY_CONFIG, useValue: config },
            EtagCache,
            JourneySpec,
            { provide: EXTRACTION_SPEC, useExisting: JourneySpec },
            SafetyNetService,
          ],
        }),
        FenxClientModule.forRootAsync({
          inject: [ExtractionMetrics],
          useFactory: (metrics: ExtractionMetrics) => ({
            settings: config.fenx,
            options: { listener: metrics.fenxListener() },
          }),
        }),
      ],
    };
  }
}
