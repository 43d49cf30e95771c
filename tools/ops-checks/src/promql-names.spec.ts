import { metricNamesIn } from './lib/promql-names';

describe('metricNamesIn', () => {
  it('finds the selectors of an expression, not its functions, labels or keywords', () => {
    expect(
      metricNamesIn(
        'sum by (app) (rate(journey_extractor_fenx_requests_total{outcome="rate_limited"}[5m])) / ' +
          'sum without (operation) (rate(journey_extractor_fenx_requests_total[5m])) > 0.05',
      ),
    ).toEqual(['journey_extractor_fenx_requests_total']);
  });

  it('ignores label values, strings, offsets, numbers and durations', () => {
    expect(
      metricNamesIn(
        'label_replace(absent(a_total), "app", "journey-extractor", "", "") or ' +
          '(b_total unless b_total offset 15m) > 1e3 and on (app) group_left (job) c_seconds',
      ),
    ).toEqual(['a_total', 'b_total', 'c_seconds']);
  });

  it('sees aggregations written before or after their argument', () => {
    expect(
      metricNamesIn('histogram_quantile(0.99, sum(rate(x_seconds_bucket[5m])) by (le)) + time() - y_seconds'),
    ).toEqual(['x_seconds_bucket', 'y_seconds']);
  });

  it('handles subqueries and selectors with matchers only', () => {
    expect(metricNamesIn('max_over_time(deriv(lag_records[10m])[30m:1m]) or vector(0)')).toEqual([
      'lag_records',
    ]);
    expect(metricNamesIn('count({__name__=~"x.*"})')).toEqual([]);
  });
});
