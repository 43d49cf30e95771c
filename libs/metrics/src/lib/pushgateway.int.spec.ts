import { PushgatewayProcess, startPushgateway } from '@fenx/testing';
import { Counter, Registry } from 'prom-client';
import { pushMetrics } from './pushgateway';

describe('pushMetrics to a real Pushgateway', () => {
  let gateway: PushgatewayProcess;
  let url: string;

  beforeAll(async () => {
    gateway = await startPushgateway();
    url = gateway.url;
  });

  afterAll(() => gateway?.stop());

  it('pushes every metric of the registry under the job name and groupings', async () => {
    const registry = new Registry();
    new Counter({ name: 'example_job_runs_total', help: 'runs', registers: [registry] }).inc(3);
    await pushMetrics(url, 'example-job', { instance: 'ci' }, registry);
    const text = await gateway.metrics();
    expect(text).toMatch(/^example_job_runs_total\{instance="ci",job="example-job"\} 3$/m);
  });

  it('fails clearly when no gateway answers', async () => {
    await expect(pushMetrics('http://127.0.0.1:1', 'nowhere', {}, new Registry())).rejects.toThrow();
  });
});
