import { readUnverifiedDelivery, unverifiedDeliveryRecord } from './unverified-delivery';

describe('unverified delivery records', () => {
  const body = Buffer.from('\uFEFF{"Id":"n-1"}\n', 'utf8');
  const receivedAt = new Date('2026-12-02T10:00:00.000Z');

  it('keep the body bytes and the HTTP headers verbatim, and read back the same', () => {
    const record = unverifiedDeliveryRecord({
      body,
      headers: { 'x-fenx-signature': 'sha256=AB', 'content-type': 'application/json', 'x-multi': ['a', 'b'] },
      reason: 'mismatch',
      requestId: 'req-1',
      receivedAt,
    });
    expect(record.key).toBe('req-1');
    expect(Buffer.compare(record.value as Buffer, body)).toBe(0);
    expect(record.timestamp).toBe(String(receivedAt.getTime()));
    const read = readUnverifiedDelivery({ value: record.value as Buffer, headers: record.headers });
    expect(read).toEqual({
      body,
      httpHeaders: { 'x-fenx-signature': 'sha256=AB', 'content-type': 'application/json', 'x-multi': 'a' },
      reason: 'mismatch',
      receivedAt: '2026-12-02T10:00:00.000Z',
    });
  });

  it('never keep credentials a gateway or client added', () => {
    const record = unverifiedDeliveryRecord({
      body,
      headers: {
        authorization: 'Bearer t',
        'proxy-authorization': 'Basic x',
        cookie: 'c=1',
        apikey: 'k',
        'x-api-key': 'k',
        'x-fenx-signature': 'sha256=AB',
      },
      reason: 'mismatch',
      requestId: 'req-2',
      receivedAt,
    });
    expect(Object.keys(record.headers ?? {}).sort()).toEqual([
      'fenx-received-at',
      'fenx-refusal',
      'http-x-fenx-signature',
    ]);
  });

  it('read a record without value or headers as an empty delivery', () => {
    expect(readUnverifiedDelivery({ value: null })).toEqual({
      body: Buffer.alloc(0),
      httpHeaders: {},
      reason: undefined,
      receivedAt: undefined,
    });
  });
});
