export * from './lib/fenx-client';
export * from './lib/fenx-client.module';
export * from './lib/fenx-client.settings';
export * from './lib/fenx-api-error';
export * from './lib/fenx-listener';
export * from './lib/fenx-rate-limiter';
export * from './lib/fenx-types';
export * from './lib/report-rows';
export {
  backoffDelayMs,
  retryAfterMs,
  seededRandom,
  systemClock,
} from './lib/retry-policy';
export type { FenxClock } from './lib/retry-policy';
export type {
  FenxCallOptions,
  FenxClientOptions,
  FenxRequestSpec,
  FenxResponse,
} from './lib/fenx-http';
