import { DURATION_BUCKETS_SECONDS, LATENCY_BUCKETS_SECONDS, SIZE_BUCKETS } from './buckets';
import { metricName } from './metric-name';

describe('metricName', () => {
  it('joins app, component, what and unit in snake case', () => {
    expect(metricName('journey-extractor', 'fenx_api', 'request_duration', 'seconds')).toBe(
      'journey_extractor_fenx_api_request_duration_seconds',
    );
  });

  it('rejects malformed parts', () => {
    expect(() => metricName('radar', 'Kafka', 'writes', 'total')).toThrow(/Kafka/);
    expect(() => metricName('radar', 'kafka', 'write latency', 'seconds')).toThrow(/write latency/);
  });
});

describe('buckets', () => {
  it.each([
    ['latency', LATENCY_BUCKETS_SECONDS],
    ['duration', DURATION_BUCKETS_SECONDS],
    ['size', SIZE_BUCKETS],
  ])('%s buckets are strictly increasing', (_name, buckets) => {
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]).toBeGreaterThan(buckets[i - 1]);
  });
});
