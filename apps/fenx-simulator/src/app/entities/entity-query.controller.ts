import { Controller, Get, Param } from '@nestjs/common';
import { notFound, ok } from '../api/fenx-envelope';
import { FaultsService } from '../faults/faults.service';
import type { EntityDraft, LegalEntity, SingleProperty } from '../state/models';
import { SimStore } from '../state/sim-store';

export interface ProposedChange {
  dataKey: string;
  existingValue: SingleProperty | null;
  newValue: SingleProperty | null;
  changeType: 'Added' | 'Modified';
}

/**
 * Entity Data Query: verified records, drafts, an entity's draft ids and proposed changes (v2 paths;
 * the v1 `entitydataquery/api/entity/{id}` of FenX's notifications is served too). It has no
 * association endpoint: associations are the Association Query API's.
 */
@Controller(['entitydataquery/api/v2/entity', 'entitydataquery/api/entity'])
export class EntityQueryController {
  constructor(
    private readonly store: SimStore,
    private readonly faults: FaultsService,
  ) {}

  @Get('proposedchanges/draft/:draftId')
  proposedChanges(@Param('draftId') draftId: string) {
    const draft = this.draft(draftId);
    const entity = this.entity(draft.sourceEntityId);
    const changes: ProposedChange[] = Object.entries(draft.draftProperties).map(([dataKey, newValue]) => {
      const existingValue = entity.properties[dataKey] ?? null;
      return {
        dataKey,
        existingValue,
        newValue,
        changeType: existingValue ? 'Modified' : 'Added',
      };
    });
    return ok(changes);
  }

  @Get(':id')
  verified(@Param('id') id: string) {
    return ok(this.entity(id));
  }

  @Get(':entityId/draft/:draftId')
  draftRecord(@Param('entityId') entityId: string, @Param('draftId') draftId: string) {
    this.entity(entityId);
    const draft = this.draft(draftId);
    if (draft.sourceEntityId !== entityId) throw notFound('Draft', draftId);
    return ok(draft);
  }

  @Get(':entityId/drafts-ids')
  draftIds(@Param('entityId') entityId: string) {
    this.entity(entityId);
    return ok({ items: this.store.draftsOf(entityId).map((d) => d.id) });
  }

  private entity(id: string): LegalEntity {
    const e = this.store.entities.get(id);
    if (!e || this.faults.isGone(id)) throw notFound('Entity', id);
    return e;
  }

  private draft(id: string): EntityDraft {
    const d = this.store.drafts.get(id);
    if (!d || this.faults.isGone(id)) throw notFound('Draft', id);
    return d;
  }
}
