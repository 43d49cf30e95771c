import { ConfigValidationError, validateEnv } from '@fenx/config';
import {
  defaultTokenUrl,
  FENX_CLIENT_DEFAULTS,
  FenxClientEnv,
  fenxClientSettings,
  fenxClientSettingsFrom,
} from './fenx-client.settings';

const REQUIRED = {
  FENX_BASE_URL: 'http://localhost:4010/',
  FENX_CLIENT_ID: 'pipeline',
  FENX_CLIENT_SECRET: 'shh',
  FENX_TENANT_ID: 'tenant-1',
};

describe('FenxClientEnv', () => {
  it('defaults to the test-tenant limits and derives the token URL', () => {
    const settings = fenxClientSettingsFrom(validateEnv(FenxClientEnv, REQUIRED));
    expect(settings).toEqual({
      ...FENX_CLIENT_DEFAULTS,
      baseUrl: 'http://localhost:4010',
      tokenUrl: 'http://localhost:4010/connect/token',
      clientId: 'pipeline',
      clientSecret: 'shh',
      tenantId: 'tenant-1',
    });
    expect(settings.rateLimitPerSecond).toBe(50);
    expect(settings.maxConcurrency).toBe(10);
  });

  it.each([
    ['https://api.fenergox.com', 'https://identity.fenergox.com/connect/token'],
    ['https://api.fenxstable.com/', 'https://identity.fenxstable.com/connect/token'],
    ['https://API.eu.fenergox.com/prefix', 'https://identity.eu.fenergox.com/connect/token'],
    ['http://localhost:4010', 'http://localhost:4010/connect/token'],
    ['http://127.0.0.1:4010/fenx/', 'http://127.0.0.1:4010/fenx/connect/token'],
  ])('defaults the token URL of %s to the identity host: %s', (baseUrl, tokenUrl) => {
    expect(defaultTokenUrl(baseUrl)).toBe(tokenUrl);
    expect(
      fenxClientSettingsFrom(validateEnv(FenxClientEnv, { ...REQUIRED, FENX_BASE_URL: baseUrl })).tokenUrl,
    ).toBe(tokenUrl);
  });

  it('reads every setting', () => {
    const settings = fenxClientSettingsFrom(
      validateEnv(FenxClientEnv, {
        ...REQUIRED,
        FENX_TOKEN_URL: 'https://identity.fenergox.com/connect/token',
        FENX_SCOPES: 'fenx.journey.read, fenx.entitydata.read',
        FENX_RATE_LIMIT_PER_SECOND: '200',
        FENX_MAX_CONCURRENCY: '50',
        FENX_TIMEOUT_MS: '5000',
        FENX_MAX_RETRIES: '2',
        FENX_MAX_RATE_LIMIT_RETRIES: '3',
        FENX_BACKOFF_BASE_MS: '50',
        FENX_BACKOFF_MAX_MS: '800',
        HTTPS_PROXY: 'http://proxy.bank.internal:3128',
        NO_PROXY: 'localhost,.bank.internal',
      }),
    );
    expect(settings).toMatchObject({
      tokenUrl: 'https://identity.fenergox.com/connect/token',
      scopes: ['fenx.journey.read', 'fenx.entitydata.read'],
      rateLimitPerSecond: 200,
      maxConcurrency: 50,
      timeoutMs: 5000,
      maxRetries: 2,
      maxRateLimitRetries: 3,
      backoffBaseMs: 50,
      backoffMaxMs: 800,
      httpsProxy: 'http://proxy.bank.internal:3128',
      noProxy: 'localhost,.bank.internal',
    });
  });

  it('names every missing or bad variable and hides the secret', () => {
    let error: unknown;
    try {
      validateEnv(FenxClientEnv, {
        FENX_BASE_URL: 'not a url',
        FENX_CLIENT_SECRET: '',
        FENX_MAX_CONCURRENCY: '0',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const problems = (error as ConfigValidationError).problems.join('\n');
    for (const name of [
      'FENX_BASE_URL',
      'FENX_CLIENT_ID',
      'FENX_CLIENT_SECRET',
      'FENX_TENANT_ID',
      'FENX_MAX_CONCURRENCY',
    ])
      expect(problems).toContain(name);
  });
});

describe('fenxClientSettings', () => {
  it('ignores explicitly undefined overrides', () => {
    const s = fenxClientSettings({
      baseUrl: 'http://x',
      clientId: 'c',
      clientSecret: 's',
      tenantId: 't',
      maxRetries: undefined,
    });
    expect(s.maxRetries).toBe(FENX_CLIENT_DEFAULTS.maxRetries);
  });
});
