import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { InjectMetric, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import { Counter, register } from 'prom-client';
import { metricName } from './metric-name';
import { MetricsModule } from './metrics.module';

const HITS = metricName('example', 'http', 'hits', 'total');

@Controller('hit')
class HitController {
  constructor(@InjectMetric(HITS) private readonly hits: Counter) {}

  @Get()
  hit(): string {
    this.hits.inc();
    return 'ok';
  }
}

@Module({
  imports: [MetricsModule.forRoot({ app: 'example' })],
  controllers: [HitController],
  providers: [makeCounterProvider({ name: HITS, help: 'hits' })],
})
class ExampleModule {}

describe('MetricsModule', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    // No register.clear() here: forRoot() set up the default metrics and labels when this file loaded.
    const moduleRef = await Test.createTestingModule({ imports: [ExampleModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
    register.clear();
  });

  it('serves /metrics with default process metrics and the app label', async () => {
    await fetch(`${base}/hit`);
    await fetch(`${base}/hit`);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/^example_http_hits_total\{app="example"\} 2$/m);
    expect(text).toMatch(/^process_resident_memory_bytes\{app="example"\} \d+/m);
  });
});
