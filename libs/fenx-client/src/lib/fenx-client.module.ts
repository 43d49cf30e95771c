import { DynamicModule, FactoryProvider, Module, ModuleMetadata } from '@nestjs/common';
import { FenxClient } from './fenx-client';
import type { FenxClientSettings } from './fenx-client.settings';
import type { FenxClientOptions } from './fenx-http';

export interface FenxClientModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  useFactory: (
    ...args: never[]
  ) =>
    | { settings: FenxClientSettings; options?: FenxClientOptions }
    | Promise<{ settings: FenxClientSettings; options?: FenxClientOptions }>;
}

/**
 * Provides one `FenxClient` to the whole app (global), closed on shutdown. Settings come validated from
 * the app's config (`fenxClientSettingsFrom(validateEnv(FenxClientEnv))`).
 */
@Module({})
export class FenxClientModule {
  static forRoot(settings: FenxClientSettings, options?: FenxClientOptions): DynamicModule {
    return {
      module: FenxClientModule,
      global: true,
      providers: [
        {
          provide: FenxClient,
          useFactory: () => new FenxClient(settings, options),
        },
      ],
      exports: [FenxClient],
    };
  }

  static forRootAsync(async: FenxClientModuleAsyncOptions): DynamicModule {
    return {
      module: FenxClientModule,
      global: true,
      imports: async.imports ?? [],
      providers: [
        {
          provide: FenxClient,
          inject: async.inject ?? [],
          useFactory: async (...args: never[]) => {
            const { settings, options } = await async.useFactory(...args);
            return new FenxClient(settings, options);
          },
        },
      ],
      exports: [FenxClient],
    };
  }
}
