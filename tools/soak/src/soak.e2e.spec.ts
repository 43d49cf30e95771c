import { soakApps } from './apps';
import { renderReport } from './report';
import { runSoak } from './soak';
import { soakSeed } from './seed';

/**
 * The soak's short variant: the same scenario as `npm run soak` (every fault kind once, radar fuzz,
 * malformed topic-1 records), on a burst small enough for CI. Each run draws its seed (printed first,
 * and in the report); `SOAK_SEED=<n>` replays one.
 */
describe('the whole pipeline under a burst with faults (short soak)', () => {
  it('loses nothing FenX delivered, converges to the ground truth in Kafka and in the lake, and never crashes', async () => {
    const seed = soakSeed(process.env);
    process.stdout.write(
      `short soak: seed ${seed.value} (${seed.drawn ? 'drawn for this run' : 'from SOAK_SEED'}); replay with SOAK_SEED=${seed.value} npx nx e2e soak\n`,
    );
    const result = await runSoak({
      seed: seed.value,
      activityEvents: 3000,
      migrationEvents: 1000,
      faultWindowMs: 20000,
      extraFaults: 0,
      fuzzRequests: 200,
      malformedRecords: 20,
      convergeTimeoutMs: 480000,
      stallTimeoutMs: 180000,
      apps: soakApps,
      simulatorEnv: { SIM_ENTITIES: '200', SIM_JOURNEYS: '30' },
      // What an operator needs when it fails: crashes with their last lines, a stall, where the logs are.
      log: (line) => {
        if (!line.startsWith('check:')) process.stdout.write(`[soak seed ${seed.value}] ${line}\n`);
      },
    });
    const report = renderReport(result);
    expect({ seed: seed.value, lost: result.endState.lost, report: result.ok ? 'ok' : report }).toEqual({
      seed: seed.value,
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
    expect(result.stall).toBeUndefined();
    expect(result.endState.lake?.journeys.shortfalls).toEqual([]);
  });
});
