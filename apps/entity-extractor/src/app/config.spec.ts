import { ConfigValidationError } from '@fenx/config';
import { loadConfig } from './config';

const valid = {
  KAFKA_BROKERS: 'localhost:9092',
  FENX_BASE_URL: 'http://127.0.0.1:4010',
  FENX_CLIENT_ID: 'client',
  FENX_CLIENT_SECRET: 'secret',
  FENX_TENANT_ID: 'tenant',
};

describe('loadConfig', () => {
  it('reads the shared extractor, Kafka, FenX and logging settings and its own, with defaults', () => {
    const config = loadConfig(valid);
    expect(config.extractor).toMatchObject({ mode: 'continuous', groupId: 'entity-extractor' });
    expect(config.fenx).toMatchObject({ baseUrl: 'http://127.0.0.1:4010', tenantId: 'tenant' });
    expect(config.reconcile).toEqual({
      intervalMs: 3_600_000,
      initialLookbackMs: 86_400_000,
      maxWindowMs: 86_400_000,
      overlapMs: 300_000,
      settleMs: 60_000,
    });
    expect(config.notFoundGraceMs).toBe(0);
    expect(config.scanOpenDrafts).toBe(true);
    expect(loadConfig({ ...valid, ENTITY_SCAN_OPEN_DRAFTS: 'false' }).scanOpenDrafts).toBe(false);
  });

  it('lets a command choose the mode', () => {
    expect(loadConfig({ ...valid, EXTRACTOR_MODE: 'continuous' }, 'reconciliation').extractor.mode).toBe(
      'reconciliation',
    );
  });

  it('names every bad variable at once, secrets hidden', () => {
    let error: unknown;
    try {
      loadConfig({
        KAFKA_BROKERS: 'localhost:9092',
        FENX_CLIENT_SECRET: 'x'.repeat(3),
        RECONCILE_INTERVAL_MINUTES: 'hourly',
        EXTRACTOR_MODE: 'sometimes',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const names = (error as ConfigValidationError).problems.map((p) => p.split(':')[0]).sort();
    expect(names).toEqual(
      [
        'EXTRACTOR_MODE',
        'FENX_BASE_URL',
        'FENX_CLIENT_ID',
        'FENX_TENANT_ID',
        'RECONCILE_INTERVAL_MINUTES',
      ].sort(),
    );
  });
});
