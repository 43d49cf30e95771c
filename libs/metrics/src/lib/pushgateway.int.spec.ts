import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { waitFor } from '@fenx/testing';
import { Counter, Registry } from 'prom-client';
import { pushMetrics } from './pushgateway';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

describe('pushMetrics to a real Pushgateway', () => {
  let gateway: ChildProcess;
  let url: string;

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    gateway = spawn('prometheus-pushgateway', [`--web.listen-address=127.0.0.1:${port}`], {
      stdio: 'ignore',
    });
    await waitFor(async () => (await fetch(`${url}/-/ready`)).ok, { what: 'the Pushgateway' });
  });

  afterAll(() => {
    gateway?.kill('SIGTERM');
  });

  it('pushes every metric of the registry under the job name and groupings', async () => {
    const registry = new Registry();
    new Counter({ name: 'example_job_runs_total', help: 'runs', registers: [registry] }).inc(3);
    await pushMetrics(url, 'example-job', { instance: 'ci' }, registry);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/^example_job_runs_total\{instance="ci",job="example-job"\} 3$/m);
  });

  it('fails clearly when no gateway answers', async () => {
    await expect(pushMetrics('http://127.0.0.1:1', 'nowhere', {}, new Registry())).rejects.toThrow();
  });
});
