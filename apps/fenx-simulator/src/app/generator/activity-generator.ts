import { KnownEventType, relativeUrls } from '@fenx/fenx-events';
import type { SimClock } from '../core/clock';
import { IdFactory, Prng } from '../core/prng';
import type { NotificationBus } from '../events/notification-bus';
import { findConflicts, rebaseDraft } from '../state/conflicts';
import type {
  EntityDraft,
  JourneyInstance,
  JourneyStage,
  JourneyTask,
  LegalEntity,
  Properties,
  TaskStatus,
} from '../state/models';
import type { SimStore } from '../state/sim-store';
import * as C from './catalogue';

export interface GeneratorOptions {
  seed: string;
  /** Legal entities created first. */
  entities: number;
  /** Journeys kept active at once. */
  journeys: number;
  /** Journeys created in all. */
  maxJourneys: number;
  /**
   * The RelativeUrl of association events (FenX does not document it): the association's GET
   * (`association`, default) or its entity (`entity`).
   */
  associationUrl?: 'association' | 'entity';
}

/** Share of new journeys that go to the first few entities, so journeys overlap on one entity. */
const HOT_ENTITY_SHARE = 0.35;
const HOT_ENTITIES = 3;

/**
 * The simulated tenant's activity. Each `step()` performs one action (create an entity, start a
 * journey, move a task, touch an association…) and emits its events through the bus. Every
 * choice comes from a PRNG seeded by `seed` and every id from seeded counters, so the same seed
 * and options give the same records and events in the same order; only timestamps come from the clock.
 */
export class ActivityGenerator {
  private prng: Prng;
  private ids: IdFactory;
  private active: string[] = [];
  private entityList: LegalEntity[] = [];
  private migrationCursor = 0;
  journeysCreated = 0;
  steps = 0;

  constructor(
    private readonly options: GeneratorOptions,
    private readonly store: SimStore,
    private readonly bus: NotificationBus,
    private readonly clock: SimClock,
  ) {
    this.prng = new Prng(options.seed, 'activity');
    this.ids = new IdFactory(`${options.seed}:records`);
  }

  get activeJourneys(): number {
    return this.active.length;
  }

  /** Whether `step()` still has something to do. */
  get exhausted(): boolean {
    return (
      this.store.entities.size >= this.options.entities &&
      this.active.length === 0 &&
      this.journeysCreated >= this.options.maxJourneys
    );
  }

  /** One action; false when there is nothing left to do. */
  step(): boolean {
    if (this.exhausted) return false;
    this.steps += 1;
    const p = this.prng;
    if (this.store.entities.size < this.options.entities) {
      this.createEntity();
    } else if (
      this.active.length < this.options.journeys &&
      this.journeysCreated < this.options.maxJourneys &&
      (this.active.length === 0 || p.chance(0.3))
    ) {
      this.startJourney();
    } else if (this.store.entities.size > 1 && p.chance(0.04)) {
      this.touchAssociation();
    } else if (this.active.length > 0) {
      this.advanceJourney(p.pick(this.active));
    } else {
      this.startJourney();
    }
    return true;
  }

  /**
   * One step of a bulk data migration: the next entity (round robin) gets a new verified
   * version and an `entitydata:migrationupdated` event. Cheap and bounded in memory: what burst mode uses.
   */
  migrationStep(causationId: string): void {
    const entities = this.entityList;
    if (entities.length === 0) {
      this.createEntity();
      return;
    }
    const e = entities[this.migrationCursor++ % entities.length];
    e.properties = { ...e.properties, migrationBatch: single(this.migrationCursor) };
    e.version += 1;
    e.propertiesVersion += 1;
    this.emitEntity('entitydata:migrationupdated', e, undefined, causationId);
  }

  private now(): string {
    return this.clock.nowIso();
  }

  private createEntity(): void {
    const p = this.prng;
    const id = this.ids.next('entity');
    const company = p.chance(0.7);
    const name = company
      ? `${p.pick(C.COMPANY_WORDS)} ${p.pick(C.COMPANY_WORDS)} ${p.pick(C.COMPANY_SUFFIXES)}`
      : `${p.pick(C.FIRST_NAMES)} ${p.pick(C.LAST_NAMES)}`;
    const country = p.pick(C.COUNTRIES);
    const e: LegalEntity = {
      id,
      type: company ? 'Company' : 'Individual',
      properties: {
        legalEntityName: single(name),
        countryOfIncorporation: single(country),
        industry: single(p.pick(C.INDUSTRIES)),
        riskRating: single(p.pick(C.RISK_LEVELS)),
        registeredAddress: single(`${p.between(1, 200)} High Street, ${country}`),
      },
      jurisdictions: [country],
      risk: p.pick(C.RISK_LEVELS),
      role: 'Client',
      lifecycleStatus: 'Prospect',
      created: this.now(),
      deleted: false,
      version: 0,
      propertiesVersion: 0,
    };
    this.store.entities.set(id, e);
    this.entityList.push(e);
    this.emitEntity('entitydata:created', e);
  }

  private pickEntity(): LegalEntity {
    const entities = this.entityList;
    const hot = entities.slice(0, HOT_ENTITIES);
    return this.prng.chance(HOT_ENTITY_SHARE) ? this.prng.pick(hot) : this.prng.pick(entities);
  }

  private startJourney(): void {
    const p = this.prng;
    const entity = this.pickEntity();
    const now = this.now();
    const journeyId = this.ids.next('journey');
    const draftId = this.ids.next('draft');
    const draft: EntityDraft = {
      id: draftId,
      sourceEntityId: entity.id,
      sourceEntityVersion: entity.version,
      conflictsResolvedSourceEntityVersion: null,
      journeyId,
      properties: { ...entity.properties },
      draftProperties: {},
      status: 'InProgress',
      version: 0,
      created: now,
      updated: now,
    };
    this.store.drafts.set(draftId, draft);
    this.store.draftBases.set(draftId, { ...entity.properties });
    this.journeysCreated += 1;
    const type = p.pick(C.JOURNEY_TYPES);
    const j: JourneyInstance = {
      id: journeyId,
      entityId: entity.id,
      entityDraftId: draftId,
      type,
      name: `${type} - ${entity.properties['legalEntityName']?.value ?? entity.id}`,
      identifier: `J-${String(this.journeysCreated).padStart(6, '0')}`,
      status: 'In Progress',
      jurisdictions: [...entity.jurisdictions],
      started: now,
      completed: null,
      cancelled: null,
      cancellationReason: null,
      journeyOwner: { teamId: C.TEAMS[0], ownerId: p.pick(C.USERS) },
      version: 0,
      stats: { completed: 0, total: 0, progress: 0 },
      serviceLevelAgreement: {
        status: 'OnTrack',
        dueDate: new Date(this.clock.now() + 14 * 86_400_000).toISOString(),
      },
      paused: null,
      pausedBy: null,
      unpaused: null,
      stages: this.buildStages(),
    };
    refreshJourney(j);
    this.store.addJourney(j);
    this.active.push(journeyId);
    const cause = this.bus.nextCommandId();
    this.emitJourney('journey:instancestarted', j, undefined, cause);
    this.emitDraft('entitydata:draftcreated', draft, cause);
  }

  private buildStages(): JourneyStage[] {
    let order = 0;
    return C.JOURNEY_TEMPLATE.map((s, si) => ({
      id: this.ids.next('stage'),
      name: s.name,
      order: si + 1,
      status: 'Not Started' as TaskStatus,
      started: null,
      completed: null,
      processes: s.processes.map((pr, pi) => ({
        id: this.ids.next('process'),
        name: pr.name,
        order: pi + 1,
        status: 'Not Started' as TaskStatus,
        tasks: pr.tasks.map((t) => ({
          id: this.ids.next('task'),
          name: t.name,
          taskKey: t.taskKey,
          taskType: t.taskType,
          discriminator: `${t.taskType}Task`,
          status: 'Not Started' as TaskStatus,
          order: ++order,
          assignedTo: null,
          teamId: C.TEAMS[t.team],
          started: null,
          completed: null,
          completedBy: null,
          completedByHistory: [],
          reopened: null,
          reopenReason: null,
          reassignedBy: null,
          paused: null,
          cancelled: null,
        })),
      })),
    }));
  }

  private advanceJourney(journeyId: string): void {
    const p = this.prng;
    const j = this.store.journeys.get(journeyId) as JourneyInstance;
    const now = this.now();
    if (j.status === 'Paused') {
      j.status = 'In Progress';
      j.unpaused = now;
      this.bump(j, 'journey:instanceunpaused');
      return;
    }
    if (p.chance(0.01)) return this.cancelJourney(j);
    if (p.chance(0.02)) {
      j.status = 'Paused';
      j.paused = now;
      j.pausedBy = p.pick(C.USERS);
      this.bump(j, 'journey:instancepaused');
      return;
    }
    if (j.serviceLevelAgreement.status === 'OnTrack' && p.chance(0.02)) {
      j.serviceLevelAgreement.status = 'ApproachingDue';
      this.bump(j, 'journey:slaapproachingdue');
      return;
    }
    const task = tasksOf(j).find((t) => t.status !== 'Done');
    if (!task) return this.completeJourney(j);
    switch (task.status) {
      case 'Not Started':
        task.status = 'In Progress';
        task.started = now;
        task.assignedTo = p.pick(C.USERS);
        this.bump(j, 'journey:taskstarted', task);
        return;
      case 'Error':
        task.status = 'In Progress';
        task.reopened = now;
        task.reopenReason = 'Integration retried';
        this.bump(j, 'journey:taskreopened', task);
        return;
      default:
        break;
    }
    if (p.chance(0.06)) {
      task.reassignedBy = task.assignedTo;
      task.assignedTo = p.pick(C.USERS);
      this.bump(j, 'journey:taskreassigned', task);
    } else if (task.taskType === 'Integration' && p.chance(0.25)) {
      task.status = 'Error';
      this.bump(j, 'journey:taskerror', task);
    } else {
      const by = task.assignedTo ?? p.pick(C.USERS);
      task.status = 'Done';
      task.completed = now;
      task.completedBy = by;
      task.completedByHistory.push({ completedBy: by, completed: now });
      const cause = this.bump(j, 'journey:taskcompleted', task);
      if (task.taskType === 'Data') this.editDraft(j, cause);
    }
  }

  private editDraft(j: JourneyInstance, causationId: string): void {
    const p = this.prng;
    const draft = this.store.drafts.get(j.entityDraftId) as EntityDraft;
    const changes: Properties = {};
    const n = p.between(1, 2);
    for (let i = 0; i < n; i++) {
      const key = p.pick(C.EDITABLE_KEYS);
      changes[key] = single(`${key}-${j.identifier}-${p.between(1, 999)}`);
    }
    draft.draftProperties = { ...draft.draftProperties, ...changes };
    draft.properties = { ...draft.properties, ...changes };
    draft.version += 1;
    draft.updated = this.now();
    this.emitDraft('entitydata:draftupdated', draft, causationId);
  }

  private completeJourney(j: JourneyInstance): void {
    const now = this.now();
    const draft = this.store.drafts.get(j.entityDraftId) as EntityDraft;
    const entity = this.store.entities.get(j.entityId) as LegalEntity;
    const cause = this.bus.nextCommandId();
    const base = this.store.draftBases.get(draft.id) ?? {};
    const conflicts = findConflicts(entity, draft, base);
    if (entity.version !== draft.sourceEntityVersion) {
      // Another journey verified this entity meanwhile: the analyst resolves in favour of the draft.
      const resolutions = Object.fromEntries(Object.entries(conflicts).map(([k, c]) => [k, c.newValue]));
      const newBase = rebaseDraft(entity, draft, conflicts, resolutions, false, now);
      this.store.draftBases.set(draft.id, newBase);
      this.emitDraft('entitydata:draftupdated', draft, cause);
    }
    entity.properties = { ...entity.properties, ...draft.draftProperties };
    entity.version += 1;
    entity.propertiesVersion += 1;
    if (entity.lifecycleStatus === 'Prospect') entity.lifecycleStatus = 'Client';
    draft.status = 'Verified';
    draft.updated = now;
    this.emitEntity('entitydata:draftverified', entity, draft.id, cause);
    j.status = 'Done';
    j.completed = now;
    this.finish(j);
    this.bump(j, 'journey:instancecompleted', undefined, cause);
  }

  private cancelJourney(j: JourneyInstance): void {
    const now = this.now();
    j.status = 'Cancelled';
    j.cancelled = now;
    j.cancellationReason = 'Client withdrew';
    for (const t of tasksOf(j))
      if (t.status !== 'Done') {
        t.status = 'Cancelled';
        t.cancelled = now;
      }
    const draft = this.store.drafts.get(j.entityDraftId) as EntityDraft;
    draft.status = 'Rejected';
    draft.updated = now;
    this.finish(j);
    const cause = this.bump(j, 'journey:instancecancelled');
    this.emitDraft('entitydata:draftrejected', draft, cause);
  }

  private finish(j: JourneyInstance): void {
    this.active = this.active.filter((id) => id !== j.id);
  }

  private touchAssociation(): void {
    const p = this.prng;
    const now = this.now();
    const live = [...this.store.associations.values()].filter((a) => a.status !== 'Removed');
    const roll = p.next();
    if (live.length === 0 || roll < 0.4) {
      const entities = this.entityList;
      const parent = p.pick(entities);
      const related = p.pick(entities.filter((e) => e.id !== parent.id));
      const a = {
        id: this.ids.next('association'),
        entityId: parent.id,
        relatedEntityId: related.id,
        associationType: p.pick(C.ASSOCIATION_TYPES),
        status: 'Draft' as const,
        version: 0,
        created: now,
        updated: now,
      };
      this.store.associations.set(a.id, a);
      return this.emitAssociation('association:associationcreated', a.id);
    }
    const a = p.pick(live);
    a.version += 1;
    a.updated = now;
    if (a.status === 'Draft' && roll < 0.7) {
      a.status = 'Verified';
      return this.emitAssociation('association:associationverified', a.id);
    }
    if (roll < 0.85) {
      a.associationType = p.pick(C.ASSOCIATION_TYPES);
      return this.emitAssociation('association:associationupdated', a.id);
    }
    a.status = 'Removed';
    this.emitAssociation('association:associationremoved', a.id);
  }

  /** Records a change to a journey (version, stats) and emits its event; returns the causation id. */
  private bump(
    j: JourneyInstance,
    type: KnownEventType,
    task?: JourneyTask,
    causationId = this.bus.nextCommandId(),
  ): string {
    j.version += 1;
    refreshJourney(j);
    this.emitJourney(type, j, task, causationId);
    return causationId;
  }

  private emitJourney(
    type: KnownEventType,
    j: JourneyInstance,
    task: JourneyTask | undefined,
    causationId: string,
  ): void {
    this.bus.emit({
      eventType: type,
      relativeUrl: task ? relativeUrls.task(j.id, task.id) : relativeUrls.journey(j.id),
      payload: task
        ? { journeyId: j.id, entityId: j.entityId, taskId: task.id }
        : { journeyId: j.id, entityId: j.entityId },
      journeyId: j.id,
      recordIds: [j.id],
      correlationId: j.identifier,
      causationId,
    });
  }

  private emitEntity(
    type: KnownEventType,
    e: LegalEntity,
    draftId?: string,
    causationId = this.bus.nextCommandId(),
  ): void {
    this.bus.emit({
      eventType: type,
      relativeUrl: relativeUrls.entity(e.id),
      payload: draftId
        ? { entityId: e.id, draftId, version: e.version }
        : { entityId: e.id, version: e.version },
      entityId: e.id,
      recordIds: [e.id],
      causationId,
    });
  }

  private emitDraft(type: KnownEventType, d: EntityDraft, causationId: string): void {
    this.bus.emit({
      eventType: type,
      relativeUrl: relativeUrls.draft(d.sourceEntityId, d.id),
      payload: { entityId: d.sourceEntityId, draftId: d.id, journeyId: d.journeyId },
      entityId: d.sourceEntityId,
      recordIds: [d.id],
      causationId,
    });
  }

  private emitAssociation(type: KnownEventType, associationId: string): void {
    const a = this.store.associations.get(associationId);
    if (!a) return;
    this.bus.emit({
      eventType: type,
      relativeUrl:
        this.options.associationUrl === 'entity'
          ? relativeUrls.entity(a.entityId)
          : relativeUrls.association(a.id),
      payload: { entityId: a.entityId, associationId: a.id, relatedEntityId: a.relatedEntityId },
      entityId: a.entityId,
      recordIds: [a.id],
      causationId: this.bus.nextCommandId(),
    });
  }
}

export function single(value: string | number | boolean | null) {
  return { type: 'Single' as const, value };
}

export function tasksOf(j: JourneyInstance): JourneyTask[] {
  return j.stages.flatMap((s) => s.processes.flatMap((p) => p.tasks));
}

function rollUp(statuses: TaskStatus[]): TaskStatus {
  if (statuses.every((s) => s === 'Done' || s === 'Cancelled'))
    return statuses.some((s) => s === 'Done') ? 'Done' : 'Cancelled';
  if (statuses.some((s) => s === 'Error')) return 'Error';
  if (statuses.every((s) => s === 'Not Started')) return 'Not Started';
  return 'In Progress';
}

/** Recomputes stage and process statuses and the journey's stats from its tasks. */
export function refreshJourney(j: JourneyInstance): void {
  const tasks = tasksOf(j);
  const done = tasks.filter((t) => t.status === 'Done').length;
  j.stats = {
    completed: done,
    total: tasks.length,
    progress: tasks.length ? Math.round((done / tasks.length) * 100) : 0,
  };
  for (const stage of j.stages) {
    for (const pr of stage.processes) pr.status = rollUp(pr.tasks.map((t) => t.status));
    stage.status = rollUp(stage.processes.map((pr) => pr.status));
    const stageTasks = stage.processes.flatMap((pr) => pr.tasks);
    const starts = stageTasks.map((t) => t.started).filter((s): s is string => s !== null);
    stage.started = starts.length ? starts.sort()[0] : null;
    stage.completed =
      stage.status === 'Done'
        ? stageTasks
            .map((t) => t.completed ?? '')
            .sort()
            .reverse()[0] || null
        : null;
  }
}
