import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { LoggingEnv, LoggingModule } from '@fenx/logging';
import { MetricsModule } from '@fenx/metrics';
import { FenxExceptionFilter } from './api/fenx-exception.filter';
import { fenxValidationPipe } from './api/validation';
import { AssociationQueryController } from './associations/association-query.controller';
import { AuthMiddleware } from './auth/auth.middleware';
import { TokenController } from './auth/token.controller';
import { TokenService } from './auth/token.service';
import { SimulatorEnv } from './config/simulator-env';
import { coreProviders } from './core/core.providers';
import { ConflictsController } from './entities/conflicts.controller';
import { EntityQueryController } from './entities/entity-query.controller';
import { FaultMiddleware } from './faults/fault.middleware';
import { FaultsService } from './faults/faults.service';
import { GeneratorService } from './generator/generator.service';
import { HealthController } from './health.controller';
import { JourneyQueryController } from './journeys/journey-query.controller';
import { PollingController } from './polling/polling.controller';
import { PollingService } from './polling/polling.service';
import { ReportsController } from './reports/reports.controller';
import { GroundTruthService } from './sim/ground-truth.service';
import { SimController } from './sim/sim.controller';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhookService } from './webhooks/webhook.service';

/** The FenX API controllers: authenticated and subject to faults. */
const FENX_API = [
  JourneyQueryController,
  EntityQueryController,
  AssociationQueryController,
  ConflictsController,
  PollingController,
  WebhooksController,
  ReportsController,
];

export const SERVICE = { service: 'fenx-simulator', version: '0.0.0' };

@Module({})
export class AppModule implements NestModule {
  static forRoot(env: SimulatorEnv, logging: LoggingEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [LoggingModule.forRoot(SERVICE, logging), MetricsModule.forRoot({ app: SERVICE.service })],
      controllers: [...FENX_API, TokenController, SimController, HealthController],
      providers: [
        ...coreProviders(env),
        TokenService,
        FaultsService,
        WebhookService,
        PollingService,
        GeneratorService,
        GroundTruthService,
        { provide: APP_FILTER, useClass: FenxExceptionFilter },
        { provide: APP_PIPE, useFactory: fenxValidationPipe },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AuthMiddleware, FaultMiddleware).forRoutes(...FENX_API);
  }
}
