import { ReportWindowTooLargeError } from '@fenx/extraction';
import { FenxClient } from '@fenx/fenx-client';
import { SimulatorProcess, startSimulator } from '@fenx/testing';
import { simClient } from '../../test/sim-control';
import { IdListError, idsFromReports } from './entity-ids';

describe("idsFromReports against the simulator's reporting API", () => {
  let simulator: SimulatorProcess;
  let client: FenxClient;

  beforeAll(async () => {
    simulator = await startSimulator({
      SIM_AUTOSTART: 'false',
      SIM_CLOCK: 'manual',
      SIM_START_TIME: '2024-01-10T12:00:00Z',
      SIM_ENTITIES: '15',
      // A report answers at most 25 rows here (FenX: 10,000), so long windows must be split.
      SIM_REPORT_MAX_ROWS: '25',
    });
    client = simClient(simulator.url);
    // Activity spread over an hour, so that halving a window spreads its rows.
    for (let i = 0; i < 60; i++) {
      await simulator.control.step(1);
      await simulator.control.call('POST', '/_sim/clock/advance', { ms: 60_000 });
    }
  });

  afterAll(async () => {
    await client?.close();
    await simulator?.stop();
  });

  it('lists every entity, window by window', async () => {
    const truth = await simulator.control.groundTruth();
    const listing = await idsFromReports(
      client,
      new Date('2024-01-01T00:00:00Z'),
      new Date('2024-01-20T00:00:00Z'),
      2,
    );
    expect(listing.windows).toBe(10);
    expect(listing.rowsWithoutId).toBe(0);
    expect([...listing.ids].sort()).toEqual(truth.entities.map((e) => e.id).sort());
  });

  it('splits a window that holds more rows than a report answers, and still lists every entity', async () => {
    const truth = await simulator.control.groundTruth();
    const splits: number[] = [];
    const listing = await idsFromReports(
      client,
      new Date('2024-01-01T00:00:00Z'),
      new Date('2024-01-20T00:00:00Z'),
      30,
      { onSplit: (s) => splits.push(s.count) },
    );
    expect(listing.windows).toBe(1);
    expect(splits.length).toBeGreaterThan(0);
    expect(splits[0]).toBeGreaterThan(25);
    expect([...listing.ids].sort()).toEqual(truth.entities.map((e) => e.id).sort());
  });

  it('fails loudly when the window still does not fit after the allowed splits', async () => {
    await expect(
      idsFromReports(client, new Date('2024-01-01T00:00:00Z'), new Date('2024-01-20T00:00:00Z'), 30, {
        maxSplitDepth: 0,
      }),
    ).rejects.toBeInstanceOf(ReportWindowTooLargeError);
  });

  it('finds nothing outside the activity and refuses a reversed period', async () => {
    const before = await idsFromReports(
      client,
      new Date('2023-01-01T00:00:00Z'),
      new Date('2023-12-31T00:00:00Z'),
    );
    expect(before.ids).toEqual([]);
    await expect(
      idsFromReports(client, new Date('2024-02-01'), new Date('2024-01-01')),
    ).rejects.toBeInstanceOf(IdListError);
  });
});
