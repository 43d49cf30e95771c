import type { OutgoingRecord } from '@fenx/kafka-contracts';
import { GroupCommitWriter } from './event-writer';

/** A producer whose calls the test settles by hand. */
function manualProducer() {
  const calls: { records: OutgoingRecord[]; resolve: () => void; reject: (e: Error) => void }[] = [];
  return {
    calls,
    emit: (_topic: string, records: OutgoingRecord[]) =>
      new Promise<void>((resolve, reject) => calls.push({ records, resolve: () => resolve(), reject })),
  };
}

const record = (key: string): OutgoingRecord => ({ key, value: key });

describe('GroupCommitWriter', () => {
  it('puts records written together into one produce call and settles each with that call', async () => {
    const producer = manualProducer();
    const observed: number[] = [];
    const writer = new GroupCommitWriter(producer, {
      topic: 'fenx.webhook.events.v1',
      lingerMs: 5,
      batchMax: 100,
      observe: (c) => observed.push(c.records),
    });
    const settled: string[] = [];
    const writes = ['a', 'b', 'c'].map((k) => writer.write(record(k)).then(() => settled.push(k)));
    await new Promise((r) => setTimeout(r, 20));
    expect(producer.calls.map((c) => c.records.map((r) => r.key))).toEqual([['a', 'b', 'c']]);
    expect(settled).toEqual([]);
    producer.calls[0].resolve();
    await Promise.all(writes);
    expect(settled).toEqual(['a', 'b', 'c']);
    expect(observed).toEqual([3]);
  });

  it('sends at once when a group reaches the cap, and rejects every record of a refused call', async () => {
    const producer = manualProducer();
    const writer = new GroupCommitWriter(producer, {
      topic: 'fenx.webhook.events.v1',
      lingerMs: 10000,
      batchMax: 2,
    });
    const first = [writer.write(record('a')), writer.write(record('b'))];
    const third = writer.write(record('c'));
    expect(producer.calls.map((c) => c.records.length)).toEqual([2]);
    producer.calls[0].reject(new Error('broker gone'));
    for (const w of first) await expect(w).rejects.toThrow('broker gone');
    writer.flush();
    producer.calls[1].resolve();
    await expect(third).resolves.toBeUndefined();
  });

  it('on close sends what waits, waits for calls in flight and refuses new records', async () => {
    const producer = manualProducer();
    const writer = new GroupCommitWriter(producer, {
      topic: 'fenx.webhook.events.v1',
      lingerMs: 10000,
      batchMax: 10,
    });
    const waiting = writer.write(record('a'));
    const closed = writer.close();
    expect(producer.calls).toHaveLength(1);
    producer.calls[0].resolve();
    await closed;
    await expect(waiting).resolves.toBeUndefined();
    await expect(writer.write(record('b'))).rejects.toThrow(/shutting down/);
  });
});
