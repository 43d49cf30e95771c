import { soakApps } from './apps';
import { renderReport } from './report';
import { runSoak } from './soak';

/**
 * The soak's short variant: the same scenario as `npm run soak` (every fault kind once, radar fuzz,
 * malformed topic-1 records), on a burst small enough for CI.
 */
describe('the whole pipeline under a burst with faults (short soak)', () => {
  it('loses nothing FenX delivered, converges to the ground truth in Kafka and in the lake, and never crashes', async () => {
    const result = await runSoak({
      seed: 20261123,
      activityEvents: 3000,
      migrationEvents: 1000,
      faultWindowMs: 20000,
      extraFaults: 0,
      fuzzRequests: 200,
      malformedRecords: 20,
      convergeTimeoutMs: 480000,
      apps: soakApps,
      simulatorEnv: { SIM_ENTITIES: '200', SIM_JOURNEYS: '30' },
    });
    const report = renderReport(result);
    expect({ lost: result.endState.lost, report: result.ok ? 'ok' : report }).toEqual({
      lost: [],
      report: 'ok',
    });
    expect(result.faults.map((f) => f.kind).sort()).toEqual([
      'broker-down',
      'broker-pause',
      'entity-extractor-kill',
      'fenx-429-storm',
      'fenx-5xx-storm',
      'journey-extractor-kill',
      'lake-sink-kill',
      'radar-restart',
      'webhook-disabled',
    ]);
    expect(result.fuzz.unsignedAccepted).toBe(0);
    expect(result.fuzz.acceptedNotStored).toBe(0);
    // Each extractor reads topic 1 on its own and dead-letters every malformed record to its own topic.
    expect(result.malformed.deadLettered).toBe(2 * result.malformed.written);
    expect(result.crashes).toEqual([]);
    expect(result.endState.lake?.journeys.shortfalls).toEqual([]);
  });
});
