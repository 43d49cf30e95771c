import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { toPolledNotification } from '@fenx/fenx-events';
import { TokenService } from '../auth/token.service';
import { SimulatorEnv } from '../config/simulator-env';
import { SimClock } from '../core/clock';
import { NotificationBus } from '../events/notification-bus';
import { FaultsDto } from '../faults/faults.dto';
import { FaultsService } from '../faults/faults.service';
import { GeneratorService } from '../generator/generator.service';
import { PollingService } from '../polling/polling.service';
import { SimStore } from '../state/sim-store';
import { WebhookService } from '../webhooks/webhook.service';
import { GroundTruthService } from './ground-truth.service';
import { AdvanceDto, BurstDto, ClockDto, ResetDto, StepDto } from './sim.dto';

/** Simulation control for developers and tests; not part of FenX, never faulted or authenticated. */
@Controller('_sim')
export class SimController {
  constructor(
    private readonly env: SimulatorEnv,
    private readonly generator: GeneratorService,
    private readonly faults: FaultsService,
    private readonly clock: SimClock,
    private readonly truth: GroundTruthService,
    private readonly webhooks: WebhookService,
    private readonly bus: NotificationBus,
    private readonly store: SimStore,
    private readonly polling: PollingService,
    private readonly tokens: TokenService,
  ) {}

  @Get('ground-truth')
  groundTruth(@Query('deliveryLog') deliveryLog?: string) {
    return this.truth.snapshot(deliveryLog !== 'false');
  }

  @Get('events')
  events(@Query('offset') offset = '0', @Query('limit') limit = '100') {
    const page = this.bus.page(Math.max(0, Number(offset) || 0), Math.min(10_000, Number(limit) || 100));
    return {
      total: this.bus.emitted,
      firstOffset: this.bus.logDropped,
      events: page.map((e) => toPolledNotification(e.notification)),
    };
  }

  @Get('webhooks/:id/deliveries')
  deliveries(@Param('id') id: string) {
    const w = this.webhooks.get(id);
    return { dropped: w.logDropped, deliveries: w.log };
  }

  @Get('webhooks/:id/dead-letter')
  deadLetter(@Param('id') id: string) {
    return { deadLetter: this.webhooks.get(id).deadLetter };
  }

  @Get('generator')
  generatorStatus() {
    return this.generator.status();
  }

  @Post('generator/start')
  @HttpCode(200)
  start() {
    this.generator.start();
    return this.generator.status();
  }

  @Post('generator/stop')
  @HttpCode(200)
  stop() {
    this.generator.stop();
    return this.generator.status();
  }

  @Post('generator/step')
  @HttpCode(200)
  step(@Body() dto: StepDto) {
    const emitted = this.generator.step(dto.count ?? 1);
    return { emitted, ...this.generator.status() };
  }

  @Post('burst')
  @HttpCode(202)
  burst(@Body() dto: BurstDto) {
    return this.generator.burst(dto.kind ?? 'migration', dto.count);
  }

  @Get('burst')
  burstStatus() {
    return { burst: this.generator.burstStatus() };
  }

  @Delete('burst')
  stopBurst() {
    this.generator.stopBurst();
    return { burst: this.generator.burstStatus() };
  }

  @Get('faults')
  getFaults() {
    return this.faults.get();
  }

  @Put('faults')
  setFaults(@Body() dto: FaultsDto) {
    return this.faults.update(dto);
  }

  @Delete('faults')
  clearFaults() {
    return this.faults.reset();
  }

  @Get('clock')
  getClock() {
    return this.clockView();
  }

  @Put('clock')
  setClock(@Body() dto: ClockDto) {
    this.clock.setScale(dto.scale);
    return this.clockView();
  }

  @Post('clock/advance')
  @HttpCode(200)
  advance(@Body() dto: AdvanceDto) {
    this.clock.advance(dto.ms);
    return this.clockView();
  }

  /** Forgets every record, event, feed, token and webhook; optionally with a new seed. */
  @Post('reset')
  @HttpCode(200)
  reset(@Body() dto: ResetDto) {
    const seed = dto.seed ?? this.env.SIM_SEED;
    this.generator.reset(seed);
    this.webhooks.reset(seed);
    this.store.clear();
    this.bus.reset(seed);
    this.polling.reset(seed);
    this.tokens.reset();
    this.faults.reset();
    return this.generator.status();
  }

  private clockView() {
    return {
      mode: this.clock.mode,
      scale: this.clock.scale,
      now: this.clock.nowIso(),
      pendingTimers: this.clock.pendingTimers(),
    };
  }
}
