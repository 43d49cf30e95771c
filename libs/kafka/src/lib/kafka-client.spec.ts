import fc from 'fast-check';
import { Partitioners } from 'kafkajs';
import { partitionKeyPartitioner } from './kafka-client';

describe('partitionKeyPartitioner', () => {
  it('puts records with the same partition key together and otherwise agrees with murmur2', () => {
    const partitionMetadata = Array.from({ length: 12 }, (_, i) => ({
      partitionId: i,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    }));
    const ours = partitionKeyPartitioner();
    const murmur2 = Partitioners.DefaultPartitioner();
    fc.assert(
      fc.property(fc.uuid(), fc.string(), (entityId, suffix) => {
        const plain = { topic: 't', partitionMetadata, message: { key: entityId, value: null } };
        const keyed = {
          topic: 't',
          partitionMetadata,
          message: { key: `${entityId}/${suffix}`, value: null },
        };
        const grouped = { ...keyed, message: { ...keyed.message, partitionKey: entityId } };
        expect(ours(plain)).toBe(murmur2(plain));
        expect(ours(keyed)).toBe(murmur2(keyed));
        expect(ours(grouped)).toBe(murmur2(plain));
      }),
    );
  });
});
