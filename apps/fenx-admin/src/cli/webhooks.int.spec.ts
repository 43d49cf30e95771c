import { AppProcess, freePort, SimulatorProcess, startSimulator, waitFor } from '@fenx/testing';
import { cli, fenxEnv, WebhookEndpoint } from '../test/cli-harness';
import { EXIT } from './errors';

describe('fenx-admin webhooks, against the FenX simulator over HTTP', () => {
  let sim: SimulatorProcess;
  let endpoint: WebhookEndpoint;
  let endpointUrl: string;
  let env: Record<string, string>;

  const statusOf = async (id: string): Promise<string | undefined> => {
    const run = await cli(['webhooks', 'list'], env);
    expect(run.code).toBe(0);
    const line = run.out.split('\n').find((l) => l.startsWith(id));
    return line?.split(/\s{2,}/)[2];
  };

  const create = async (name: string, url = endpointUrl): Promise<string> => {
    const run = await cli(
      ['webhooks', 'create', '--name', name, '--url', url, '--secret', 'ops-test-secret'],
      env,
    );
    expect(run).toEqual(expect.objectContaining({ code: 0, err: '' }));
    return run.out.trim();
  };

  beforeAll(async () => {
    // Retries after 0 simulated minutes: FenX disables a failing webhook within moments.
    sim = await startSimulator({ SIM_RETRY_DELAYS_MINUTES: '0,0,0,0', SIM_ENTITIES: '5' });
    endpoint = new WebhookEndpoint();
    endpointUrl = await endpoint.start();
    env = fenxEnv(sim.url);
  }, 60000);

  afterAll(async () => {
    await sim?.stop();
    await endpoint?.stop();
  });

  it('creates a webhook, disables it, sees it disabled in list, re-enables it', async () => {
    const id = await create('ops-enable-disable');
    expect(id).toMatch(/\S+/);
    expect(await statusOf(id)).toBe('Enabled');

    const disabled = await cli(['webhooks', 'disable', id], env);
    expect(disabled).toEqual({ code: 0, out: `webhook ${id} disabled: Enabled -> UserDisabled`, err: '' });
    expect(await statusOf(id)).toBe('UserDisabled');

    const enabled = await cli(['webhooks', 'enable', id], env);
    expect(enabled.code).toBe(0);
    expect(enabled.out).toBe(`webhook ${id} enabled: UserDisabled -> Enabled`);
    expect(await statusOf(id)).toBe('Enabled');

    const shown = await cli(['webhooks', 'show', id, '--json'], env);
    expect(JSON.parse(shown.out)).toEqual(
      expect.objectContaining({ id, name: 'ops-enable-disable', url: endpointUrl, enabled: true }),
    );
    expect(shown.out).not.toContain('ops-test-secret');
  });

  it('a webhook FenX disabled after failed retries: seen as SystemDisabled, re-enabled, the backlog arrives in order', async () => {
    const id = await create('ops-system-disabled');
    endpoint.status = 500;
    await sim.control.step(20);
    await waitFor(async () => (await statusOf(id)) === 'SystemDisabled', {
      timeoutMs: 30000,
      what: 'FenX disables the failing webhook',
    });
    const shown = await cli(['webhooks', 'show', id], env);
    expect(shown.out).toMatch(/\b500\b/);

    // The cause is fixed; the path works again; re-enable.
    endpoint.status = 200;
    const test = await cli(['webhooks', 'test', id], env);
    expect(test).toEqual(expect.objectContaining({ code: 0, out: expect.stringContaining('Successful') }));
    const enabled = await cli(['webhooks', 'enable', id], env);
    expect(enabled.code).toBe(0);
    expect(enabled.out).toContain('SystemDisabled -> Enabled');
    expect(enabled.out).toContain('in order');

    // Every notification queued meanwhile arrives, in FenX's event order.
    const events = (await sim.control.events(0, 10000)) as { events: { id: string }[] };
    await waitFor(async () => (await statusOf(id)) === 'Enabled' && endpoint.acknowledged.length > 0, {
      timeoutMs: 30000,
      what: 'the backlog is delivered',
    });
    await waitFor(
      async () => {
        const mine = (await sim.control.groundTruth()).webhooks.find((h) => h.id === id);
        return mine !== undefined && mine.queued === 0 && mine.inFlight === 0;
      },
      { timeoutMs: 30000, what: 'the webhook queue is empty' },
    );
    const order = new Map(events.events.map((e, i) => [e.id, i]));
    const received = endpoint.acknowledged.filter((n) => order.has(n));
    expect(received.length).toBeGreaterThan(0);
    const positions = received.map((n) => order.get(n) ?? -1);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('test: exits 7 when FenX cannot deliver', async () => {
    const id = await create('ops-test-fails', `http://127.0.0.1:${await freePort()}/nothing-here`);
    const run = await cli(['webhooks', 'test', id], env);
    expect(run.code).toBe(EXIT.testDeliveryFailed);
    expect(run.out).toMatch(/test delivery to webhook .*: (Failed|TimedOut)/);
    expect(run.err).toContain('could not deliver');
  });

  it('an unknown webhook id exits 3 and names it', async () => {
    for (const command of ['show', 'enable', 'disable', 'test']) {
      const run = await cli(['webhooks', command, 'no-such-webhook'], env);
      expect(run).toEqual({
        code: EXIT.notFound,
        out: '',
        err: 'fenx-admin: No webhook with id no-such-webhook in this tenant.',
      });
    }
  });

  it('bad credentials exit 4 and say which settings to check', async () => {
    const run = await cli(['webhooks', 'list'], { ...env, FENX_CLIENT_SECRET: 'wrong-secret' });
    expect(run.code).toBe(EXIT.unauthorized);
    expect(run.err).toContain('FenX refused the credentials');
    expect(run.err).not.toContain('wrong-secret');
  });

  it('FenX down exits 5', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const run = await cli(['webhooks', 'list'], { ...env, FENX_BASE_URL: down, FENX_MAX_RETRIES: '0' });
    expect(run.code).toBe(EXIT.fenxUnavailable);
    expect(run.err).toContain('FenX is unreachable');
  });

  it('FenX answering 5xx exits 5', async () => {
    await sim.control.setFaults({ errorRate: 1 });
    try {
      const run = await cli(['webhooks', 'list'], { ...env, FENX_MAX_RETRIES: '0' });
      expect(run.code).toBe(EXIT.fenxUnavailable);
      expect(run.err).toContain('FenX is unavailable');
    } finally {
      await sim.control.clearFaults();
    }
  });

  it('missing settings and bad options exit 2 with the reason', async () => {
    const noConfig = await cli(['webhooks', 'list'], {});
    expect(noConfig.code).toBe(EXIT.usage);
    expect(noConfig.err).toContain('FENX_BASE_URL');

    const longSecret = await cli(
      ['webhooks', 'create', '--name', 'x', '--url', endpointUrl, '--secret', 's'.repeat(129)],
      env,
    );
    expect(longSecret).toEqual(
      expect.objectContaining({ code: EXIT.usage, err: 'fenx-admin: --secret must be 1 to 128 characters.' }),
    );

    const noSecret = await cli(['webhooks', 'create', '--name', 'x', '--url', endpointUrl], env);
    expect(noSecret.code).toBe(EXIT.usage);
    expect(noSecret.err).toContain("required option '--secret <secret>' not specified");

    const unknown = await cli(['webhooks', 'frobnicate'], env);
    expect(unknown.code).toBe(EXIT.usage);
  });

  it('the built command exits with the code it reports (a real process)', async () => {
    const proc = await AppProcess.start({
      name: 'fenx-admin',
      args: ['webhooks', 'show', 'no-such-webhook'],
      env,
    });
    const { code } = await proc.exited();
    expect(code).toBe(EXIT.notFound);
    expect(proc.output()).toContain('fenx-admin: No webhook with id no-such-webhook in this tenant.');

    const ok = await AppProcess.start({ name: 'fenx-admin', args: ['webhooks', 'list', '--json'], env });
    expect((await ok.exited()).code).toBe(0);
    expect(JSON.parse(ok.output().join('\n'))).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'ops-enable-disable' })]),
    );
  });
});
