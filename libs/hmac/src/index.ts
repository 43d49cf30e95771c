export * from './lib/hmac';
