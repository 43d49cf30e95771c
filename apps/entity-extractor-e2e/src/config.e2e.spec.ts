import { AppProcess } from '@fenx/testing';

describe('entity extractor start-up', () => {
  it('validates its configuration at start-up, names every bad variable and exits 2', async () => {
    const app = await AppProcess.start({
      name: 'entity-extractor',
      args: ['once'],
      env: {
        KAFKA_BROKERS: 'localhost:1',
        FENX_BASE_URL: '',
        FENX_CLIENT_ID: '',
        FENX_CLIENT_SECRET: 'x',
        FENX_TENANT_ID: '',
        RECONCILE_OVERLAP_SECONDS: '-5',
      },
    });
    try {
      expect(await app.exited()).toEqual({ code: 2, signal: null });
      const output = app.output().join('\n');
      for (const name of ['FENX_BASE_URL', 'FENX_CLIENT_ID', 'FENX_TENANT_ID', 'RECONCILE_OVERLAP_SECONDS'])
        expect(output).toContain(name);
      expect(output).not.toContain('FENX_CLIENT_SECRET:');
    } finally {
      await app.stop();
    }
  });

  it('refuses a backfill without an id source', async () => {
    const app = await AppProcess.start({ name: 'entity-extractor', args: ['backfill'] });
    try {
      const { code } = await app.exited();
      expect(code).not.toBe(0);
      expect(app.output().join('\n')).toContain('give --ids-file <path> or --from-api');
    } finally {
      await app.stop();
    }
  });
});
