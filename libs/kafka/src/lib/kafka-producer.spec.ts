import { requestParts } from './kafka-producer';
import { TOPICS } from '@fenx/kafka-contracts';

const record = (key: string, bytes: number) => ({ key, value: 'x'.repeat(bytes) });

describe('requestParts', () => {
  it('keeps a small call in one request', () => {
    const batches = [
      { topic: TOPICS.journeyDetails.name, records: [record('a', 10), record('b', 10)] },
      { topic: TOPICS.journeyExtractorDeadLetter.name, records: [record('c', 10)] },
    ];
    expect(requestParts(batches, 10_000)).toEqual([batches]);
  });

  it('splits records over the limit into requests in order, a record larger than the limit alone', () => {
    const records = [
      record('a', 400),
      record('b', 400),
      record('c', 400),
      record('huge', 5000),
      record('d', 10),
    ];
    const parts = requestParts([{ topic: TOPICS.entityDetails.name, records }], 1000);
    expect(parts.map((p) => p.flatMap((b) => b.records.map((r) => r.key)))).toEqual([
      ['a', 'b'],
      ['c'],
      ['huge'],
      ['d'],
    ]);
    expect(parts.flat().every((b) => b.topic === TOPICS.entityDetails.name)).toBe(true);
  });
});
