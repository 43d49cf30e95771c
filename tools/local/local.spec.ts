import { Command } from 'commander';
import { runProgram } from '@fenx/cli';
import { parseLogLine, showOnTerminal, terminalLine, TERMINAL_WIDTH } from './log-lines';
import {
  DEFAULT_RATE,
  faultSettings,
  LOCAL_FAULTS,
  LocalOptions,
  localProgram,
  simulatorActivityEnv,
} from './options';
import { countsFrom, parseMetrics, sumMetric, summaryLine } from './summary';

const ecs = (fields: Record<string, unknown>) =>
  JSON.stringify({
    '@timestamp': '2026-12-02T11:53:59.608Z',
    'ecs.version': '8.10.0',
    'service.name': 'radar',
    ...fields,
  });

describe('log lines', () => {
  it('reads the level, logger and message of an ECS JSON line', () => {
    const line = parseLogLine(
      ecs({ 'log.level': 'info', 'log.logger': 'RouterExplorer', message: 'Mapped {/metrics, GET} route' }),
    );
    expect(line).toEqual({
      level: 'info',
      time: '2026-12-02T11:53:59.608Z',
      logger: 'RouterExplorer',
      message: 'Mapped {/metrics, GET} route',
      error: undefined,
    });
  });

  it('keeps Nest route mappings and other info lines off the terminal, on stdout and stderr', () => {
    const route = parseLogLine(
      ecs({ 'log.level': 'info', 'log.logger': 'RouterExplorer', message: 'Mapped {/metrics, GET} route' }),
    );
    expect(showOnTerminal(route, 'stdout')).toBe(false);
    expect(showOnTerminal(route, 'stderr')).toBe(false);
    expect(showOnTerminal(parseLogLine(ecs({ 'log.level': 'debug', message: 'x' })), 'stdout')).toBe(false);
  });

  it('shows warnings, errors and fatal lines', () => {
    for (const level of ['warn', 'error', 'fatal'])
      expect(showOnTerminal(parseLogLine(ecs({ 'log.level': level, message: 'm' })), 'stdout')).toBe(true);
  });

  it('takes the error message from a nested or a flat ECS error', () => {
    const nested = parseLogLine(
      ecs({
        'log.level': 'error',
        message: 'produce failed',
        error: { type: 'KafkaJSError', message: 'Connection timeout', stack_trace: '...' },
      }),
    );
    const flat = parseLogLine(ecs({ 'log.level': 'error', message: 'm', 'error.message': 'broker gone' }));
    expect(nested.error).toBe('Connection timeout');
    expect(flat.error).toBe('broker gone');
  });

  it("reads pino's numeric levels and pino-pretty lines (LOG_PRETTY=true), colours or not", () => {
    expect(parseLogLine(JSON.stringify({ level: 40, time: 0, msg: 'slow' }))).toMatchObject({
      level: 'warn',
      message: 'slow',
      time: '1970-01-01T00:00:00.000Z',
    });
    expect(parseLogLine('[11:53:59.608] WARN (RadarService): webhook slow')).toMatchObject({
      level: 'warn',
      logger: 'RadarService',
      message: 'webhook slow',
    });
    expect(parseLogLine('\u001b[90m[11:53:59.608]\u001b[39m \u001b[31mERROR\u001b[39m: boom')).toMatchObject({
      level: 'error',
      message: 'boom',
    });
  });

  it('treats a line without a level as text, shown only from stderr (a crash, a runtime warning)', () => {
    const trace = parseLogLine('    at Object.<anonymous> (/work/main/dist/apps/radar/main.js:1:1)');
    expect(trace.level).toBeUndefined();
    expect(showOnTerminal(trace, 'stderr')).toBe(true);
    expect(showOnTerminal(trace, 'stdout')).toBe(false);
    expect(showOnTerminal(parseLogLine(''), 'stderr')).toBe(false);
    expect(parseLogLine('{"not":"a log line"}')).toEqual({ message: '{"not":"a log line"}' });
  });

  it('writes the short terminal form: time, app, level, logger, message and error', () => {
    const line = parseLogLine(
      ecs({
        'log.level': 'warn',
        'log.logger': 'BatchConsumer',
        message: 'fetch failed,\n  retrying',
        error: { message: 'ECONNREFUSED' },
      }),
    );
    expect(terminalLine('journey-extractor', line)).toBe(
      '11:53:59 journey-extractor  WARN  [BatchConsumer] fetch failed, retrying: ECONNREFUSED',
    );
  });

  it('does not repeat an error the message already names, and cuts long lines', () => {
    const line = parseLogLine(
      ecs({ 'log.level': 'error', message: 'failed: boom', error: { message: 'boom' } }),
    );
    expect(terminalLine('radar', line)).toBe('11:53:59 radar              ERROR failed: boom');
    const long = terminalLine('radar', parseLogLine(ecs({ 'log.level': 'warn', message: 'x'.repeat(1000) })));
    expect(long).toHaveLength(TERMINAL_WIDTH);
    expect(long.endsWith('…')).toBe(true);
  });
});

const RADAR_METRICS = `# HELP radar_http_requests_total Webhook requests by answer
# TYPE radar_http_requests_total counter
radar_http_requests_total{outcome="accepted"} 1200
radar_http_requests_total{outcome="flagged"} 4
radar_http_requests_total{outcome="unauthorized"} 7
radar_http_requests_total{outcome="unavailable"} 3
# HELP radar_http_in_flight_requests Webhook requests being handled
radar_http_in_flight_requests 2
`;

const LAKE_METRICS = `# TYPE lake_sink_records_written_total counter
lake_sink_records_written_total{topic="fenx.journey.details.v1"} 380
lake_sink_records_written_total{topic="fenx.entity.details.v1"} 500
lake_sink_records_written_total{topic="fenx.webhook.events.v1"} 1204
lake_sink_files_committed_total{topic="fenx.journey.details.v1"} 12
`;

describe('summary', () => {
  it('parses Prometheus text: names, labels (escapes too) and values; skips comments', () => {
    expect(parseMetrics('# HELP a b\nm{a="x",b="say \\"hi\\""} 2.5 1700000000000\nn 3\nbad line\n')).toEqual([
      { name: 'm', labels: { a: 'x', b: 'say "hi"' }, value: 2.5 },
      { name: 'n', labels: {}, value: 3 },
    ]);
  });

  it('sums a metric over the labels that match, undefined when it has no sample', () => {
    const samples = parseMetrics(RADAR_METRICS);
    expect(sumMetric(samples, 'radar_http_requests_total')).toBe(1214);
    expect(sumMetric(samples, 'radar_http_requests_total', (l) => l['outcome'] === 'accepted')).toBe(1200);
    expect(sumMetric(samples, 'no_such_metric_total')).toBeUndefined();
  });

  it('counts events radar wrote (accepted and flagged) and the lake records of each detail topic', () => {
    expect(countsFrom(RADAR_METRICS, LAKE_METRICS)).toEqual({
      eventsIn: 1204,
      journeyRecords: 380,
      entityRecords: 500,
    });
  });

  it('counts topics with a KAFKA_NAMESPACE prefix, and zero before the first sample', () => {
    const namespaced = 'lake_sink_records_written_total{topic="uat.fenx.journey.details.v1"} 9\n';
    expect(countsFrom('', namespaced)).toEqual({ eventsIn: 0, journeyRecords: 9, entityRecords: 0 });
  });

  it('leaves out the counts of an app that did not answer', () => {
    expect(countsFrom(undefined, LAKE_METRICS)).toEqual({
      eventsIn: undefined,
      journeyRecords: 380,
      entityRecords: 500,
    });
  });

  it('prints the totals, then the change since the previous line', () => {
    const first = { eventsIn: 894, journeyRecords: 285, entityRecords: 380 };
    expect(summaryLine(first)).toBe('events in 894 · lake: 285 journey snapshots, 380 entity records');
    expect(summaryLine({ eventsIn: 2104, journeyRecords: 380, entityRecords: undefined }, first)).toBe(
      'events in 2,104 (+1,210) · lake: 380 (+95) journey snapshots, ? entity records',
    );
  });
});

describe('options', () => {
  async function parse(...args: string[]): Promise<{ code: number; options?: LocalOptions; out: string }> {
    let options: LocalOptions | undefined;
    let out = '';
    const program: Command = localProgram(async (o) => {
      options = o;
    }).configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
    const code = await runProgram(program, ['node', 'run.ts', ...args], { err: (s) => (out += s) });
    return { code, options, out };
  }

  it('runs with the default rate until Ctrl-C when given nothing', async () => {
    expect(await parse()).toMatchObject({ code: 0, options: { rate: DEFAULT_RATE } });
    expect((await parse()).options?.duration).toBeUndefined();
  });

  it('takes a rate and a duration in minutes', async () => {
    expect((await parse('--rate', '20', '--duration', '1.5')).options).toEqual({
      rate: 20,
      duration: 1.5,
      faults: [],
    });
  });

  it('takes FenX faults by name, or all, and refuses a name it does not know', async () => {
    expect((await parse('--faults', 'late-data,rate-limit')).options?.faults).toEqual([
      'rate-limit',
      'late-data',
    ]);
    expect((await parse('--faults', 'all')).options?.faults).toEqual(Object.keys(LOCAL_FAULTS));
    const bad = await parse('--faults', 'errors,floods');
    expect(bad.code).toBe(2);
    expect(bad.out).toContain(
      'unknown fault floods: give a comma-separated list of rate-limit, errors, timeouts, latency, late-data, or all',
    );
    expect((await parse('--faults', ',')).code).toBe(2);
  });

  it("turns faults into the simulator's fault settings", () => {
    expect(faultSettings([])).toEqual({});
    expect(faultSettings(['rate-limit', 'timeouts'])).toEqual({
      rateLimitPreset: 'production',
      timeoutRate: 0.01,
      hangMs: 35_000,
    });
  });

  it('lists the knobs with --help and exits 0 without running', async () => {
    const { code, options, out } = await parse('--help');
    expect(code).toBe(0);
    expect(options).toBeUndefined();
    expect(out).toContain('Usage: npm start -- [options]');
    expect(out).toContain('--rate <actions-per-second>');
    expect(out).toContain('--duration <minutes>');
    expect(out).toContain('--faults <list>');
  });

  it('exits 2 with a message for a bad value or an unknown option', async () => {
    const bad = await parse('--rate', 'fast');
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('expected a number from 0.01 to 1000, got "fast"');
    expect((await parse('--duration', '0')).code).toBe(2);
    const unknown = await parse('--faster');
    expect(unknown.code).toBe(2);
    expect(unknown.out).toContain("unknown option '--faster'");
  });

  it("maps the rate onto the simulator's step interval on its real-time clock", () => {
    expect(simulatorActivityEnv(5)).toEqual({ SIM_TIME_SCALE: '1', SIM_STEP_INTERVAL_MS: '200' });
    expect(simulatorActivityEnv(0.5).SIM_STEP_INTERVAL_MS).toBe('2000');
    expect(simulatorActivityEnv(1000).SIM_STEP_INTERVAL_MS).toBe('1');
    expect(simulatorActivityEnv(3).SIM_STEP_INTERVAL_MS).toBe('333');
  });
});
