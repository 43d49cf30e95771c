import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { RadarKafka } from './radar-kafka';

/** `/health/live`: the process serves. `/health/ready`: Kafka answers, so events can be stored. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly kafka: RadarKafka,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([() => this.indicators.check('process').up({ pid: process.pid })]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      async () => {
        const check = this.indicators.check('kafka');
        const probe = await this.kafka.reachable();
        return probe.ok ? check.up() : check.down({ reason: probe.reason });
      },
    ]);
  }
}
