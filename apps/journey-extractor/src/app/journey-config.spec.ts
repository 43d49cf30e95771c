import { ConfigValidationError } from '@fenx/config';
import { loadJourneyConfig } from './journey-config';

const VALID = {
  FENX_BASE_URL: 'http://127.0.0.1:4010',
  FENX_CLIENT_ID: 'client',
  FENX_CLIENT_SECRET: 'secret',
  FENX_TENANT_ID: 'tenant',
};

describe('loadJourneyConfig', () => {
  it('applies the defaults: continuous mode, group = app name, 1000-record batches', () => {
    const config = loadJourneyConfig(VALID);
    expect(config.extractor).toMatchObject({
      mode: 'continuous',
      groupId: 'journey-extractor',
      batchSize: 1000,
    });
    expect(config.fenx).toMatchObject({ rateLimitPerSecond: 50, maxConcurrency: 10, tenantId: 'tenant' });
    expect(config.journey.JOURNEY_ETAG_CACHE_SIZE).toBe(100000);
  });

  it('exits on a stall of 15 minutes by default, never with 0, and refuses a stall exit before not ready', () => {
    expect(loadJourneyConfig(VALID).extractor).toMatchObject({
      stallAfterMs: 300000,
      stallExitAfterMs: 900000,
    });
    expect(
      loadJourneyConfig({ ...VALID, EXTRACTOR_STALL_EXIT_AFTER_MS: '0' }).extractor.stallExitAfterMs,
    ).toBe(0);
    expect(() =>
      loadJourneyConfig({
        ...VALID,
        EXTRACTOR_STALL_AFTER_MS: '60000',
        EXTRACTOR_STALL_EXIT_AFTER_MS: '60000',
      }),
    ).toThrow(
      /EXTRACTOR_STALL_EXIT_AFTER_MS \(60000\) must be 0 or longer than EXTRACTOR_STALL_AFTER_MS \(60000\)/,
    );
  });

  it('names every bad variable of every schema at once, never showing a secret', () => {
    let error: unknown;
    try {
      loadJourneyConfig({
        ...VALID,
        FENX_CLIENT_SECRET: '',
        EXTRACTOR_MODE: 'sometimes',
        EXTRACTOR_BATCH_SIZE: 'many',
        JOURNEY_ETAG_CACHE_SIZE: '-1',
        KAFKA_BROKERS: 'nohost',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const problems = (error as ConfigValidationError).problems.join('\n');
    for (const name of [
      'FENX_CLIENT_SECRET',
      'EXTRACTOR_MODE',
      'EXTRACTOR_BATCH_SIZE',
      'JOURNEY_ETAG_CACHE_SIZE',
      'KAFKA_BROKERS',
    ])
      expect(problems).toContain(name);
  });
});
