import { metricValue, startPushgateway } from './pushgateway';

const TEXT = `# HELP fenx_calls_total calls
# TYPE fenx_calls_total counter
fenx_calls_total{job="once",outcome="ok"} 12
fenx_calls_total{job="once",outcome="throttled"} 3
fenx_calls_total{job="other",outcome="ok"} 100
fenx_calls_total_extra 7
fenx_lag 4.5e1
fenx_broken NaN
`;

describe('metricValue', () => {
  it('sums the samples of one metric whose labels include the given ones', () => {
    expect(metricValue(TEXT, 'fenx_calls_total')).toBe(115);
    expect(metricValue(TEXT, 'fenx_calls_total', { job: 'once' })).toBe(15);
    expect(metricValue(TEXT, 'fenx_calls_total', { job: 'once', outcome: 'throttled' })).toBe(3);
  });

  it('reads unlabelled samples and exponents, and gives 0 for a metric that is absent', () => {
    expect(metricValue(TEXT, 'fenx_lag')).toBe(45);
    expect(metricValue(TEXT, 'fenx_missing')).toBe(0);
    expect(metricValue(TEXT, 'fenx_calls_total', { job: 'none' })).toBe(0);
  });
});

describe('startPushgateway', () => {
  it('runs a real Pushgateway that keeps what is pushed to it, until stopped', async () => {
    const gateway = await startPushgateway();
    try {
      const res = await fetch(`${gateway.url}/metrics/job/example`, {
        method: 'POST',
        body: '# TYPE example_runs_total counter\nexample_runs_total 2\n',
      });
      expect(res.ok).toBe(true);
      expect(metricValue(await gateway.metrics(), 'example_runs_total', { job: 'example' })).toBe(2);
    } finally {
      gateway.stop();
    }
    await new Promise((resolve) => gateway.process.once('exit', resolve));
    await expect(fetch(`${gateway.url}/-/ready`)).rejects.toThrow();
  });

  it('serves only under a path of its own, so no other gateway on its port passes for it', async () => {
    const [a, b] = await Promise.all([startPushgateway(), startPushgateway()]);
    try {
      const root = new URL(a.url).origin;
      expect(a.url).not.toBe(root);
      expect((await fetch(`${root}/-/ready`)).status).toBe(404);
      expect((await fetch(`${root}/metrics`)).status).toBe(404);
      const other = `${root}${new URL(b.url).pathname}`;
      expect((await fetch(`${other}/-/ready`)).status).toBe(404);
      expect((await fetch(`${a.url}/-/ready`)).ok).toBe(true);
    } finally {
      a.stop();
      b.stop();
    }
  });
});
