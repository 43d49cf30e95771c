import { LOCAL_PORTS, pipelineApps, SIMULATOR_DEFAULTS, simulatorApp } from '../index';

describe('the pipeline stack', () => {
  const apps = pipelineApps({
    ports: LOCAL_PORTS,
    simulatorUrl: 'http://127.0.0.1:4010',
    lakeDir: '/tmp/lake',
  });

  it('runs every pipeline app, each on its own port, all against the same FenX', () => {
    expect(apps.map((a) => a.name)).toEqual(['radar', 'journey-extractor', 'entity-extractor', 'lake-sink']);
    expect(new Set(apps.map((a) => a.port)).size).toBe(4);
    for (const a of apps.filter((x) => x.name.endsWith('extractor')))
      expect(a.env).toMatchObject({ FENX_BASE_URL: 'http://127.0.0.1:4010', EXTRACTOR_PORT: String(a.port) });
    expect(apps.find((a) => a.name === 'lake-sink')?.env).toMatchObject({
      LAKE_SINK_TARGET: '/tmp/lake',
      LAKE_SINK_FLUSH_INTERVAL_MS: '5000',
    });
  });

  it('gives radar the secret the simulator signs with', () => {
    const sim = simulatorApp(LOCAL_PORTS, { SIM_WEBHOOK_URL: 'http://127.0.0.1:4000/webhooks/fenx' });
    expect(sim.env['SIM_WEBHOOK_SECRET']).toBe(SIMULATOR_DEFAULTS.webhookSecret);
    expect(apps[0].env['RADAR_WEBHOOK_SECRETS']).toBe(sim.env['SIM_WEBHOOK_SECRET']);
    expect(sim.env['SIM_WEBHOOK_URL']).toContain(`:${LOCAL_PORTS.radar}/`);
  });
});
