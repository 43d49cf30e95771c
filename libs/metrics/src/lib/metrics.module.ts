import { DynamicModule, Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';

export interface MetricsOptions {
  /** The app's name, a label on every series. */
  app: string;
}

/** Prometheus metrics for an app: default process metrics plus the app's own providers. */
@Module({})
export class MetricsModule {
  static forRoot(options: MetricsOptions): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      imports: [
        PrometheusModule.register({
          path: '/metrics',
          defaultLabels: { app: options.app },
          defaultMetrics: { enabled: true },
        }),
      ],
      exports: [PrometheusModule],
    };
  }
}
