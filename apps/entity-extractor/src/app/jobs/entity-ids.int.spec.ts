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
    });
    client = simClient(simulator.url);
    await simulator.control.step(60);
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
