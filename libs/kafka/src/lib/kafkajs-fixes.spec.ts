import { applyKafkajsFixes, ConsumerStoppedError } from './kafkajs-fixes';

// kafkajs's own consumer runner, not a copy: the fix patches its prototype.
const Runner = require('kafkajs/src/consumer/runner') as {
  prototype: { fetch(this: unknown, nodeId: number): Promise<unknown[]> };
};

/** A runner as kafkajs builds it, minus what `fetch` does not touch. */
function runner(running: boolean, fetched: unknown[]) {
  const calls: number[] = [];
  const self = Object.assign(Object.create(Runner.prototype), {
    running,
    logger: { debug: () => undefined },
    instrumentationEmitter: { emit: () => undefined },
    consumerGroup: {
      groupId: 'g',
      memberId: 'm',
      fetch: async (nodeId: number) => {
        calls.push(nodeId);
        return fetched;
      },
    },
    heartbeat: async () => undefined,
  });
  return { fetch: (nodeId: number) => Runner.prototype.fetch.call(self, nodeId), calls };
}

describe('applyKafkajsFixes', () => {
  beforeAll(() => applyKafkajsFixes());

  it('makes a stopped runner reject fetches (kafkajs answers [] at once, and its new fetchers ask again forever)', async () => {
    const r = runner(false, []);
    await expect(r.fetch(1)).rejects.toBeInstanceOf(ConsumerStoppedError);
    await expect(r.fetch(1)).rejects.toMatchObject({ retriable: true });
    expect(r.calls).toEqual([]);
  });

  it('leaves a running runner fetching from its consumer group as before', async () => {
    const batch = { topic: 't', partition: 0, messages: [] };
    const r = runner(true, [batch]);
    await expect(r.fetch(2)).resolves.toEqual([batch]);
    expect(r.calls).toEqual([2]);
  });

  it('patches once however many clients are built', async () => {
    applyKafkajsFixes();
    applyKafkajsFixes();
    const r = runner(false, []);
    await expect(r.fetch(1)).rejects.toBeInstanceOf(ConsumerStoppedError);
    const running = runner(true, []);
    await expect(running.fetch(3)).resolves.toEqual([]);
    expect(running.calls).toEqual([3]);
  });
});
