import { readUnverifiedDelivery, TOPICS, type OutgoingRecord } from '@fenx/kafka-contracts';
import { Quarantine, QuarantineOutcome } from './quarantine';

/** A producer fake (pure logic: the Kafka path is in radar.int.spec.ts). */
function producer(behaviour: 'ok' | 'fail' | 'hang' = 'ok') {
  const sent: { topic: string; records: OutgoingRecord[] }[] = [];
  return {
    sent,
    emit: (topic: string, records: OutgoingRecord[]) => {
      sent.push({ topic, records });
      if (behaviour === 'fail') return Promise.reject(new Error('denied'));
      if (behaviour === 'hang') return new Promise<void>(() => undefined);
      return Promise.resolve();
    },
  };
}

const delivery = (bytes = 10) => ({
  body: Buffer.alloc(bytes, 0x61),
  headers: { 'x-fenx-signature': 'sha256=' + 'A'.repeat(64) },
  reason: 'mismatch',
  requestId: 'r',
});

describe('Quarantine', () => {
  let clock = 0;
  let outcomes: QuarantineOutcome[];
  const quarantine = (p: ReturnType<typeof producer>, perMinute = 2, maxBytes = 100, timeoutMs = 1000) =>
    new Quarantine(
      p,
      { perMinute, maxBytes, timeoutMs },
      (o) => outcomes.push(o),
      () => clock,
    );

  beforeEach(() => {
    clock = 1_000_000;
    outcomes = [];
  });

  it('keeps the delivery verbatim in the quarantine topic and counts it stored', async () => {
    const p = producer();
    const q = quarantine(p);
    expect(q.offer(delivery())).toBe('queued');
    await q.drain();
    expect(outcomes).toEqual(['stored']);
    expect(p.sent[0].topic).toBe(TOPICS.webhookUnverified.name);
    const read = readUnverifiedDelivery(p.sent[0].records[0] as { value: Buffer });
    expect(read.body.equals(delivery().body)).toBe(true);
    expect(read.httpHeaders['x-fenx-signature']).toBe('sha256=' + 'A'.repeat(64));
  });

  it('keeps at most perMinute deliveries a minute, then starts again', async () => {
    const q = quarantine(producer(), 2);
    expect([q.offer(delivery()), q.offer(delivery()), q.offer(delivery())]).toEqual([
      'queued',
      'queued',
      'rate_capped',
    ]);
    clock += 60_000;
    expect(q.offer(delivery())).toBe('queued');
    await q.drain();
    expect(outcomes.sort()).toEqual(['rate_capped', 'stored', 'stored', 'stored']);
  });

  it('keeps no body over maxBytes, and nothing at all with perMinute 0', () => {
    const p = producer();
    expect(quarantine(p, 2, 100).offer(delivery(101))).toBe('too_large');
    expect(quarantine(p, 0).offer(delivery())).toBe('off');
    expect(p.sent).toEqual([]);
    expect(outcomes).toEqual(['too_large']);
  });

  it('counts a refused or unanswered write as failed, never throwing', async () => {
    const q = quarantine(producer('fail'));
    q.offer(delivery());
    await q.drain();
    const h = quarantine(producer('hang'), 2, 100, 20);
    h.offer(delivery());
    await h.drain();
    expect(outcomes).toEqual(['failed', 'failed']);
  });
});
