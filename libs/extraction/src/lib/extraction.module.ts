import {
  BeforeApplicationShutdown,
  Controller,
  DynamicModule,
  Get,
  Inject,
  Injectable,
  Logger,
  Module,
  ModuleMetadata,
  OnApplicationShutdown,
  Provider,
} from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import {
  createKafka,
  ensureTopics,
  KafkaClient,
  KafkaLogCreator,
  KafkaProducer,
  KafkaSettings,
} from '@fenx/kafka';
import { TOPIC_MANIFEST, TOPICS, TopicName } from '@fenx/kafka-contracts';
import { ExtractionMetrics } from './extraction-metrics';
import { ExtractionLogger, ExtractionPipeline, ExtractionSpec } from './extraction-pipeline';
import { Extractor } from './extractor';
import type { ExtractorSettings } from './extractor-settings';
import { StateStore } from './state-store';
import { SyntheticEventWriter } from './synthetic-events';
import { TenantBudget } from './tenant-budget';

/** Provide the app's `ExtractionSpec` under this token (e.g. `{ provide: EXTRACTION_SPEC, useExisting: JourneySpec }`). */
export const EXTRACTION_SPEC = Symbol('EXTRACTION_SPEC');
export const EXTRACTION_OPTIONS = Symbol('EXTRACTION_OPTIONS');

export interface ExtractionModuleOptions {
  /** The app's name: metric prefix, Pushgateway job, state writer. */
  app: string;
  settings: ExtractorSettings;
  kafka: KafkaSettings;
  outputTopic: TopicName;
  deadLetterTopic: TopicName;
  /** Routes the Kafka client's log lines (e.g. `kafkaLogCreator(pino)`); silent by default. */
  kafkaLogCreator?: KafkaLogCreator;
  /**
   * The pipeline's FenX budget (FENX_RATE_LIMIT_PER_SECOND, FENX_MAX_CONCURRENCY): `TenantBudget` takes
   * this process's part of it; give its `limiter` to the app's FenX client.
   */
  fenxBudget: { ratePerSecond: number; maxConcurrency: number };
}

export interface ExtractionModuleDefinition extends ExtractionModuleOptions {
  imports?: ModuleMetadata['imports'];
  /** Must include a provider for `EXTRACTION_SPEC`. */
  providers: Provider[];
}

/** A Nest `Logger` as the pipeline's structured logger (with nestjs-pino the fields become JSON). */
export function nestExtractionLogger(context: string): ExtractionLogger {
  const logger = new Logger(context);
  return {
    log: (fields, message) => logger.log(fields, message),
    warn: (fields, message) => logger.warn(fields, message),
    error: (fields, message) => logger.error(fields, message),
  };
}

/** The app's Kafka client and its one producer (connected at start, disconnected at shutdown). */
@Injectable()
export class ExtractionKafka implements OnApplicationShutdown {
  readonly kafka: KafkaClient;
  readonly producer: KafkaProducer;

  constructor(@Inject(EXTRACTION_OPTIONS) private readonly options: ExtractionModuleOptions) {
    this.kafka = createKafka(options.kafka, {
      logCreator: options.kafkaLogCreator ?? (() => () => undefined),
    });
    this.producer = new KafkaProducer(this.kafka, options.kafka);
  }

  get producerConnected(): boolean {
    return this.producer.connected;
  }

  /** Creates missing manifest topics when the settings say so (real Kafka), then connects the producer. */
  async connect(): Promise<void> {
    if (this.options.kafka.createTopics) await ensureTopics(this.kafka, this.options.kafka, TOPIC_MANIFEST);
    await this.producer.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }
}

/** Stops consuming before the producer goes away. */
@Injectable()
class ExtractorShutdown implements BeforeApplicationShutdown {
  constructor(private readonly extractor: Extractor) {}

  async beforeApplicationShutdown(): Promise<void> {
    await this.extractor.stop();
  }
}

/**
 * `/health/live` (the process works) and `/health/ready` (consuming, producer connected, no
 * partition with events that committed nothing for EXTRACTOR_STALL_AFTER_MS).
 */
@Controller('health')
export class ExtractorHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly extractor: Extractor,
    private readonly kafka: ExtractionKafka,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([
      () => {
        const check = this.indicators.check('extractor');
        return this.extractor.state === 'failed'
          ? check.down({ state: this.extractor.state })
          : check.up({ state: this.extractor.state });
      },
    ]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => {
        const check = this.indicators.check('consumer');
        return this.extractor.state === 'running'
          ? check.up({ state: this.extractor.state })
          : check.down({ state: this.extractor.state });
      },
      () => {
        const check = this.indicators.check('producer');
        return this.kafka.producerConnected ? check.up() : check.down();
      },
      () => {
        const check = this.indicators.check('progress');
        const stalled = this.extractor.stalled;
        return stalled.length === 0 ? check.up() : check.down({ stalled });
      },
    ]);
  }
}

/**
 * Wires the shared extraction machinery for an app: Kafka client and producer, metrics, the
 * pipeline over the app's `EXTRACTION_SPEC`, the `Extractor`, the `StateStore`, the
 * `SyntheticEventWriter` and the health endpoints. Global, so app services can inject them.
 */
@Module({})
export class ExtractionModule {
  static forRoot(definition: ExtractionModuleDefinition): DynamicModule {
    const { imports, providers, ...options } = definition;
    return {
      module: ExtractionModule,
      global: true,
      imports: [TerminusModule, ...(imports ?? [])],
      controllers: [ExtractorHealthController],
      providers: [
        ...providers,
        { provide: EXTRACTION_OPTIONS, useValue: options },
        { provide: ExtractionMetrics, useFactory: () => new ExtractionMetrics(options.app) },
        {
          provide: ExtractionKafka,
          inject: [EXTRACTION_OPTIONS],
          useFactory: async (o: ExtractionModuleOptions) => {
            const k = new ExtractionKafka(o);
            await k.connect();
            return k;
          },
        },
        {
          provide: ExtractionPipeline,
          inject: [EXTRACTION_SPEC, ExtractionMetrics],
          useFactory: (spec: ExtractionSpec, metrics: ExtractionMetrics) =>
            new ExtractionPipeline({
              spec,
              metrics,
              outputTopic: options.outputTopic,
              concurrency: options.settings.fetchConcurrency,
              recentIdsCapacity: options.settings.recentIds,
              requeue: options.settings.requeue,
              logger: nestExtractionLogger('ExtractionPipeline'),
            }),
        },
        {
          provide: TenantBudget,
          useFactory: () =>
            new TenantBudget({
              ratePerSecond: options.fenxBudget.ratePerSecond,
              maxConcurrency: options.fenxBudget.maxConcurrency,
              share: options.settings.rateShare,
              partitions: TOPICS.webhookEvents.partitions,
              logger: nestExtractionLogger('TenantBudget'),
            }),
        },
        {
          provide: Extractor,
          inject: [ExtractionKafka, ExtractionPipeline, ExtractionMetrics, TenantBudget],
          useFactory: (
            k: ExtractionKafka,
            pipeline: ExtractionPipeline,
            metrics: ExtractionMetrics,
            budget: TenantBudget,
          ) =>
            new Extractor({
              onAssignment: (partitions) => budget.assigned(partitions.length),
              kafka: k.kafka,
              producer: k.producer,
              groupId: options.settings.groupId,
              deadLetterTopic: options.deadLetterTopic,
              pipeline,
              metrics,
              logger: nestExtractionLogger('Extractor'),
              chunkSize: options.settings.batchSize,
              coalescing: options.settings.coalescing,
              maxRetryDepth: options.settings.maxRetryDepth,
              retryBackoff: options.settings.retryBackoff,
              partitionsConsumedConcurrently: options.settings.partitionsConcurrently,
              sessionTimeoutMs: options.settings.sessionTimeoutMs,
              maxBytesPerPartition: options.settings.fetchMaxBytesPerPartition,
              maxBytes: options.settings.fetchMaxBytes,
              stallAfterMs: options.settings.stallAfterMs,
              stallExitAfterMs: options.settings.stallExitAfterMs,
            }),
        },
        {
          provide: StateStore,
          inject: [ExtractionKafka],
          useFactory: (k: ExtractionKafka) => new StateStore(k.kafka, k.producer, { writer: options.app }),
        },
        {
          provide: SyntheticEventWriter,
          inject: [ExtractionKafka, ExtractionMetrics],
          useFactory: (k: ExtractionKafka, metrics: ExtractionMetrics) =>
            new SyntheticEventWriter({
              producer: k.producer,
              ratePerSecond: options.settings.syntheticRatePerSecond,
              metrics,
            }),
        },
        ExtractorShutdown,
      ],
      exports: [
        EXTRACTION_OPTIONS,
        ExtractionMetrics,
        ExtractionKafka,
        ExtractionPipeline,
        Extractor,
        StateStore,
        SyntheticEventWriter,
        TenantBudget,
      ],
    };
  }
}
