import { decodeWebhookEvent, TOPICS } from '@fenx/kafka-contracts';
import { AppProcess, waitFor } from '@fenx/testing';
import { compareWithGroundTruth, Harness } from './test/harness';

const RUN = 'e2e';
const STATE_KEY = `entity-extractor.backfill.${RUN}`;

interface Position {
  written: number;
  total: number;
  done: boolean;
}

describe('entity extractor: backfill from an empty topic 1', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.start({ SIM_ENTITIES: '40' });
  });

  afterAll(async () => {
    await h?.stop();
  });

  async function position(): Promise<Position | undefined> {
    const rec = (await h.latest(TOPICS.pipelineState.name)).get(STATE_KEY);
    return rec?.value ? (JSON.parse(rec.value) as { value: Position }).value : undefined;
  }

  it('writes an event for every entity, resumes after SIGKILL, and the extractor then holds them all', async () => {
    // No webhook traffic: everything must come from the backfill.
    await h.setWebhookEnabled(false);
    await h.step(300);
    expect(await h.topicOneCount()).toBe(0);
    const since = new Date(Date.now() - 3600_000).toISOString();
    const args = ['backfill', '--from-api', '--since', since, '--run-id', RUN, '--chunk-size', '1'];
    const slow = { EXTRACTOR_SYNTHETIC_RATE: '1' };

    const first = await AppProcess.start({ name: 'entity-extractor', args, env: h.env(slow) });
    h.apps.push(first);
    await waitFor(async () => ((await position())?.written ?? 0) >= 2, {
      timeoutMs: 60000,
      intervalMs: 250,
      what: 'backfill progress',
    });
    first.kill('SIGKILL');
    await first.exited();
    const killedAt = await position();
    expect(killedAt?.done).toBe(false);
    expect(killedAt?.written).toBeLessThan(killedAt?.total ?? 0);

    await h.runToEnd(args, { EXTRACTOR_SYNTHETIC_RATE: '50' });
    const truth = await h.groundTruth();
    expect(await position()).toMatchObject({
      done: true,
      written: truth.entities.length,
      total: truth.entities.length,
    });

    const events = (await h.records(TOPICS.webhookEvents.name)).map((r) => decodeWebhookEvent(r.value));
    const ids = new Set(
      events.map((e) => (e.ok && e.value.origin === 'backfill' ? e.value.ids.entityId : 'bad')),
    );
    expect([...ids].sort()).toEqual(truth.entities.map((e) => e.id).sort());
    // Resumed, not restarted: at most the event in flight at the kill is written twice.
    expect(events.length).toBeLessThanOrEqual(truth.entities.length + 1);

    await h.runToEnd(['once']);
    expect(compareWithGroundTruth(await h.entityDetails(), truth)).toEqual([]);
  });
});
