import {
  freePort,
  metricValue,
  PushgatewayProcess,
  SimulatorProcess,
  startPushgateway,
  startSimulator,
  waitFor,
} from '@fenx/testing';
import { cli, fenxEnv, WebhookEndpoint } from '../test/cli-harness';
import { EXIT } from './errors';

describe('fenx-admin webhooks watch, against the FenX simulator and a Pushgateway over HTTP', () => {
  let sim: SimulatorProcess;
  let gateway: PushgatewayProcess;
  const healthy = new WebhookEndpoint();
  const failing = new WebhookEndpoint();
  let env: Record<string, string>;

  beforeAll(async () => {
    // Retries after 0 simulated minutes: FenX disables a failing webhook within moments.
    [sim, gateway] = await Promise.all([
      startSimulator({ SIM_RETRY_DELAYS_MINUTES: '0,0,0,0', SIM_ENTITIES: '5' }),
      startPushgateway(),
    ]);
    env = fenxEnv(sim.url);
  }, 60000);

  afterAll(async () => {
    await sim?.stop();
    gateway?.stop();
    await healthy.stop();
    await failing.stop();
  });

  const create = async (name: string, url: string): Promise<string> => {
    const run = await cli(
      ['webhooks', 'create', '--name', name, '--url', url, '--secret', 'watch-secret'],
      env,
    );
    expect(run).toEqual(expect.objectContaining({ code: 0, err: '' }));
    return run.out.trim();
  };

  it("pushes each webhook's status and newest delivery; a FenX that does not answer is a failed check that keeps the last statuses", async () => {
    const ok = await create('watch-ok', await healthy.start());
    const bad = await create('watch-failing', await failing.start());
    failing.status = 500;
    await sim.control.step(20);
    await waitFor(
      async () => {
        const run = await cli(['webhooks', 'watch', '--json'], env);
        const hooks = JSON.parse(run.out) as { id: string; status: string }[];
        return hooks.find((h) => h.id === bad)?.status === 'SystemDisabled';
      },
      { timeoutMs: 30000, what: 'FenX disables the failing webhook' },
    );

    const run = await cli(['webhooks', 'watch', '--pushgateway', gateway.url], env);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(
      new RegExp(`^${bad}\\s+watch-failing\\s+SystemDisabled\\s+\\S+ (Failed|TimedOut) 500`, 'm'),
    );
    expect(run.out).toMatch(new RegExp(`^${ok}\\s+watch-ok\\s+Enabled\\s+\\S+ Successful 200`, 'm'));
    expect(run.err).toBe(`webhook status pushed to ${gateway.url}`);
    const pushed = await gateway.metrics();
    const status = (id: string, s: string) =>
      metricValue(pushed, 'fenx_admin_webhook_status_current', {
        job: 'fenx-webhook-status',
        webhook_id: id,
        status: s,
      });
    expect([status(bad, 'SystemDisabled'), status(bad, 'Enabled'), status(bad, 'Retrying')]).toEqual([
      1, 0, 0,
    ]);
    expect([status(ok, 'Enabled'), status(ok, 'SystemDisabled')]).toEqual([1, 0]);
    expect(metricValue(pushed, 'fenx_admin_webhook_last_delivery_successful', { webhook_id: bad })).toBe(0);
    expect(metricValue(pushed, 'fenx_admin_webhook_last_delivery_successful', { webhook_id: ok })).toBe(1);
    expect(
      metricValue(pushed, 'fenx_admin_webhook_last_delivery_timestamp_seconds', { webhook_id: ok }),
    ).toBeGreaterThan(0);
    expect(metricValue(pushed, 'fenx_admin_webhook_check_success')).toBe(1);
    const checkedAt = metricValue(pushed, 'fenx_admin_webhook_check_timestamp_seconds');
    expect(Math.abs(checkedAt - Date.now() / 1000)).toBeLessThan(60);

    // FenX unreachable: exit 5, the check's failure pushed, the webhooks' last known statuses kept.
    const down = await cli(['webhooks', 'watch', '--pushgateway', gateway.url], {
      ...env,
      FENX_BASE_URL: `http://127.0.0.1:${await freePort()}`,
    });
    expect(down.code).toBe(EXIT.fenxUnavailable);
    const after = await gateway.metrics();
    expect(metricValue(after, 'fenx_admin_webhook_check_success')).toBe(0);
    expect(
      metricValue(after, 'fenx_admin_webhook_status_current', { webhook_id: bad, status: 'SystemDisabled' }),
    ).toBe(1);
  }, 120000);

  it('without a Pushgateway it prints only, and says so', async () => {
    const run = await cli(['webhooks', 'watch'], { ...env, PUSHGATEWAY_URL: '' });
    expect(run.code).toBe(0);
    expect(run.err).toBe('PUSHGATEWAY_URL is not set (nor --pushgateway): the status is printed only');
  });
});
