import {
  classifyEventType,
  FenxNotification,
  parseNotification,
  parseRelativeUrl,
  toWebhookBody,
} from '@fenx/fenx-events';
import { SimClock } from '../core/clock';
import { NotificationBus } from '../events/notification-bus';
import { SimStore } from '../state/sim-store';
import { ActivityGenerator, GeneratorOptions } from './activity-generator';

function run(seed: string, steps: number, options: Partial<GeneratorOptions> = {}, duplicateRate = 0.05) {
  const clock = new SimClock('manual', 1, Date.parse('2024-01-01T00:00:00Z'));
  const store = new SimStore();
  const bus = new NotificationBus(
    { seed, tenantId: 'tenant-1', duplicateRate, eventLogLimit: 1_000_000, emptyPayload: false },
    clock,
  );
  const events: FenxNotification[] = [];
  bus.subscribe((n) => events.push(n));
  const gen = new ActivityGenerator(
    { seed, entities: 8, journeys: 6, maxJourneys: 40, ...options },
    store,
    bus,
    clock,
  );
  for (let i = 0; i < steps; i++) {
    gen.step();
    clock.advance(1_000);
  }
  return { events, store, gen, bus };
}

describe('ActivityGenerator', () => {
  it('same seed, same settings: the same events, ids and records', () => {
    const a = run('seed-a', 1_500);
    const b = run('seed-a', 1_500);
    expect(a.events.length).toBeGreaterThan(500);
    expect(b.events).toEqual(a.events);
    expect([...b.store.journeys.values()]).toEqual([...a.store.journeys.values()]);
    expect([...b.store.entities.values()]).toEqual([...a.store.entities.values()]);
  });

  it('a different seed gives different events', () => {
    const a = run('seed-a', 300);
    const c = run('seed-c', 300);
    expect(c.events.map((e) => e.id)).not.toEqual(a.events.map((e) => e.id));
    expect(c.events.map((e) => e.eventType)).not.toEqual(a.events.map((e) => e.eventType));
  });

  it('the duplicate rate does not change the records or the event sequence', () => {
    const a = run('seed-a', 800, {}, 0);
    const b = run('seed-a', 800, {}, 0.3);
    const unique = (es: FenxNotification[]) => es.filter((e, i) => i === 0 || es[i - 1].id !== e.id);
    expect(unique(b.events)).toEqual(a.events);
    expect(b.events.length).toBeGreaterThan(a.events.length);
    expect(b.bus.duplicated).toBe(b.events.length - a.events.length);
  });

  it('emits journey, entity-data and association events that parse and point at existing records', () => {
    const { events, store } = run('seed-a', 3_000);
    const types = new Set(events.map((e) => e.eventType));
    for (const t of [
      'entitydata:created',
      'entitydata:draftcreated',
      'entitydata:draftupdated',
      'entitydata:draftverified',
      'journey:instancestarted',
      'journey:taskstarted',
      'journey:taskcompleted',
      'journey:instancecompleted',
      'journey:taskreassigned',
      'journey:taskerror',
      'journey:taskreopened',
      'association:associationcreated',
    ]) {
      expect(types).toContain(t);
    }
    for (const e of events) {
      const parsed = parseNotification(toWebhookBody(e));
      expect(parsed.problems).toEqual([]);
      expect(classifyEventType(e.eventType).known).toBe(true);
      const url = parseRelativeUrl(e.relativeUrl);
      expect(url.known).toBe(true);
      if (url.journeyId) expect(store.journeys.has(url.journeyId)).toBe(true);
      if (url.entityId) expect(store.entities.has(url.entityId)).toBe(true);
      if (url.draftId) expect(store.drafts.has(url.draftId)).toBe(true);
    }
  });

  it('gives association events the Association Query URL, or the entity URL when asked', () => {
    const byKind = (associationUrl?: 'association' | 'entity') => {
      const { events, store } = run('seed-a', 1_500, { associationUrl });
      const urls = events
        .filter((e) => e.eventType.startsWith('association:'))
        .map((e) => parseRelativeUrl(e.relativeUrl));
      expect(urls.length).toBeGreaterThan(0);
      for (const u of urls)
        if (u.associationId) expect(store.associations.has(u.associationId)).toBe(true);
        else expect(store.entities.has(u.entityId ?? '')).toBe(true);
      return new Set(urls.map((u) => u.kind));
    };
    expect(byKind()).toEqual(new Set(['association']));
    expect(byKind('entity')).toEqual(new Set(['entity']));
  });

  it('runs concurrent journeys on one entity, so drafts go stale and conflicts get resolved', () => {
    const { store } = run('seed-a', 3_000);
    const perEntity = [...store.journeysByEntity.values()].map((js) => js.length);
    expect(Math.max(...perEntity)).toBeGreaterThan(3);
    const rebased = [...store.drafts.values()].filter((d) => d.conflictsResolvedSourceEntityVersion !== null);
    expect(rebased.length).toBeGreaterThan(0);
    const verified = [...store.entities.values()].filter((e) => e.version > 0);
    expect(verified.length).toBeGreaterThan(0);
  });

  it('keeps each journey tree consistent: stats, versions and task timestamps', () => {
    const { store } = run('seed-b', 2_000);
    for (const j of store.journeys.values()) {
      const tasks = j.stages.flatMap((s) => s.processes.flatMap((p) => p.tasks));
      expect(j.stats.total).toBe(tasks.length);
      expect(j.stats.completed).toBe(tasks.filter((t) => t.status === 'Done').length);
      for (const t of tasks.filter((x) => x.status === 'Done')) {
        expect(t.completed).not.toBeNull();
        expect(String(t.started) <= String(t.completed)).toBe(true);
        expect(t.completedByHistory.length).toBeGreaterThan(0);
      }
      if (j.status === 'Done') expect(j.stats.progress).toBe(100);
    }
  });

  it('stops when every journey has finished', () => {
    const { gen } = run('seed-a', 2_000, { maxJourneys: 3, journeys: 2, entities: 2 });
    expect(gen.exhausted).toBe(true);
    expect(gen.step()).toBe(false);
    expect(gen.journeysCreated).toBe(3);
  });

  it('migration steps give entities new versions round robin', () => {
    const { gen, store, events } = run('seed-a', 8, { entities: 8 });
    const before = events.length;
    for (let i = 0; i < 16; i++) gen.migrationStep('cause');
    expect(events.slice(before).every((e) => e.eventType === 'entitydata:migrationupdated')).toBe(true);
    expect([...store.entities.values()].every((e) => e.version === 2)).toBe(true);
  });
});
