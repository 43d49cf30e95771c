import { Controller, DynamicModule, Get, Module } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { LoggingModule } from '@fenx/logging';
import { MetricsModule } from '@fenx/metrics';
import { APP, LakeSinkConfig } from './lake-config';
import { LAKE_METRIC_PROVIDERS, LakeMetrics } from './lake-metrics';
import { LAKE_CONFIG, LakeSinkService } from './lake-sink.service';

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly sink: LakeSinkService,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([
      () => {
        const c = this.indicators.check('sink');
        return this.sink.state === 'failed'
          ? c.down({ state: this.sink.state })
          : c.up({ state: this.sink.state });
      },
    ]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => {
        const c = this.indicators.check('sink');
        return this.sink.state === 'running'
          ? c.up({ target: this.sink.store.location })
          : c.down({ state: this.sink.state });
      },
      () => {
        const c = this.indicators.check('progress');
        const stalled = this.sink.progress.stalled;
        return stalled.length === 0 ? c.up() : c.down({ stalled });
      },
    ]);
  }
}

@Module({})
export class LakeSinkModule {
  static forRoot(config: LakeSinkConfig): DynamicModule {
    return {
      module: LakeSinkModule,
      imports: [
        LoggingModule.forRoot(APP, config.logging),
        MetricsModule.forRoot({ app: APP.service }),
        TerminusModule,
      ],
      controllers: [HealthController],
      providers: [
        { provide: LAKE_CONFIG, useValue: config },
        ...LAKE_METRIC_PROVIDERS,
        LakeMetrics,
        LakeSinkService,
      ],
    };
  }
}
