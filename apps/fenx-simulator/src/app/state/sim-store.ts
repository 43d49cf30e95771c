import type { Association, EntityDraft, JourneyInstance, LegalEntity, Properties } from './models';

/**
 * The simulated tenant's records: what the generator changes and the query APIs serve.
 * In memory; bounded by the generator's entity and journey limits.
 */
export class SimStore {
  readonly entities = new Map<string, LegalEntity>();
  readonly drafts = new Map<string, EntityDraft>();
  /** The verified data each draft started from; kept apart because FenX does not serve it. */
  readonly draftBases = new Map<string, Properties>();
  readonly journeys = new Map<string, JourneyInstance>();
  readonly journeysByEntity = new Map<string, string[]>();
  readonly associations = new Map<string, Association>();

  addJourney(j: JourneyInstance): void {
    this.journeys.set(j.id, j);
    const list = this.journeysByEntity.get(j.entityId) ?? [];
    list.push(j.id);
    this.journeysByEntity.set(j.entityId, list);
  }

  draftsOf(entityId: string): EntityDraft[] {
    return [...this.drafts.values()].filter((d) => d.sourceEntityId === entityId);
  }

  clear(): void {
    this.entities.clear();
    this.drafts.clear();
    this.draftBases.clear();
    this.journeys.clear();
    this.journeysByEntity.clear();
    this.associations.clear();
  }
}
