import type { FenxNotification } from '@fenx/fenx-events';
import { syntheticWebhookEvent } from '@fenx/kafka-contracts';
import { planEvent } from '../fetch/entity-work';
import {
  BackfillPosition,
  backfillNotification,
  backfillStateKey,
  EventWriter,
  PositionStore,
  runBackfill,
} from './backfill';
import { IdListError, parseIdList } from './entity-ids';

class MemoryStore implements PositionStore {
  readonly values = new Map<string, unknown>();
  async get<T>(key: string) {
    return this.values.has(key) ? { value: structuredClone(this.values.get(key)) as T } : undefined;
  }
  async put<T>(key: string, value: T) {
    this.values.set(key, structuredClone(value));
  }
}

/** Accepts `limit` events, then fails like a producer whose broker went away. */
class MemoryWriter implements EventWriter {
  readonly written: FenxNotification[] = [];
  constructor(private limit = Infinity) {}
  async write(notifications: readonly FenxNotification[]) {
    if (this.written.length + notifications.length > this.limit) throw new Error('broker gone');
    this.written.push(...notifications);
    return notifications.length;
  }
}

const ids = Array.from({ length: 25 }, (_, i) => `entity-${String(i).padStart(3, '0')}`);

describe('parseIdList', () => {
  it('reads one id per line, CSV first fields, comments and a header; distinct', () => {
    expect(parseIdList('entityId,name\na1,x\n\n# comment\n b2 \na1\n"c3";y')).toEqual(['a1', 'b2', 'c3']);
  });
  it('names every bad line', () => {
    expect(() => parseIdList('ok\nbad/id\nfine\n../x')).toThrow(IdListError);
    expect(() => parseIdList('ok\nbad/id\nfine\n../x', 'f.txt')).toThrow(
      'f.txt: 2 line(s) are not entity ids: line 2: "bad/id"; line 4: "../x"',
    );
  });
});

describe('backfillNotification', () => {
  it('is a valid entity event with a deterministic id that the extractor reads as a full refresh', () => {
    const when = new Date('2024-05-01T00:00:00Z');
    const a = backfillNotification('e1', 't1', 'run', when);
    expect(backfillNotification('e1', 't1', 'run', new Date())).toMatchObject({ id: a.id });
    expect(backfillNotification('e1', 't1', 'other-run', when).id).not.toBe(a.id);
    const { event } = syntheticWebhookEvent(a, 'backfill');
    expect(event).toMatchObject({
      valid: true,
      origin: 'backfill',
      ids: { entityId: 'e1' },
      domain: 'entitydata',
    });
    expect(planEvent(event)).toEqual({
      kind: 'fetch',
      needs: expect.objectContaining({ entityId: 'e1', entity: true, allDrafts: true }),
    });
  });
});

describe('runBackfill', () => {
  it('writes every id once in sorted order and records the finished position', async () => {
    const store = new MemoryStore();
    const writer = new MemoryWriter();
    const seen: number[] = [];
    const result = await runBackfill({
      ids: [...ids].reverse(),
      tenantId: 't1',
      runId: 'r1',
      store,
      writer,
      chunkSize: 10,
      progress: { start: (_t, d) => seen.push(d), update: (d) => seen.push(d), stop: () => undefined },
    });
    expect(result).toEqual({ runId: 'r1', total: 25, written: 25, resumedFrom: 0, done: true });
    expect(writer.written.map((n) => (n.payload as { entityId: string }).entityId)).toEqual(ids);
    expect(seen).toEqual([0, 10, 20, 25]);
    expect((await store.get<BackfillPosition>(backfillStateKey('r1')))?.value).toMatchObject({
      lastId: ids[24],
      written: 25,
      done: true,
    });
  });

  it('resumes after the last acknowledged chunk when a run dies, with the same notification ids', async () => {
    const store = new MemoryStore();
    const first = new MemoryWriter(12);
    await expect(
      runBackfill({ ids, tenantId: 't1', runId: 'r2', store, writer: first, chunkSize: 5 }),
    ).rejects.toThrow('broker gone');
    const second = new MemoryWriter();
    const result = await runBackfill({
      ids,
      tenantId: 't1',
      runId: 'r2',
      store,
      writer: second,
      chunkSize: 5,
    });
    expect(result).toMatchObject({ written: 15, resumedFrom: 10, done: true });
    expect(second.written[0].payload).toEqual({ entityId: ids[10] });
    expect(first.written.map((n) => n.id)).toEqual((await fullRun()).slice(0, 10).map((n) => n.id));

    // A finished run writes nothing more unless restarted.
    const third = new MemoryWriter();
    expect(await runBackfill({ ids, tenantId: 't1', runId: 'r2', store, writer: third })).toMatchObject({
      written: 0,
      done: true,
    });
    expect(
      await runBackfill({ ids, tenantId: 't1', runId: 'r2', store, writer: third, restart: true }),
    ).toMatchObject({
      written: 25,
    });

    async function fullRun() {
      const w = new MemoryWriter();
      const s = new MemoryStore();
      s.values.set(backfillStateKey('r2'), {
        ...(await store.get<BackfillPosition>(backfillStateKey('r2')))?.value,
        lastId: null,
      });
      await runBackfill({ ids, tenantId: 't1', runId: 'r2', store: s, writer: w, chunkSize: 5 });
      return w.written;
    }
  });
});
