import { Controller, Get, Param } from '@nestjs/common';
import { FenxHttpError, ok } from '../api/fenx-envelope';
import { FaultsService } from '../faults/faults.service';
import type { Association } from '../state/models';
import { SimStore } from '../state/sim-store';

/** An association as FenX's Association Query API serves it (`fenx-api.md`, "Association Query"). */
export interface AssociationDto {
  id: string;
  /** The parent entity. */
  sourceId: string;
  /** The child entity. */
  targetId: string;
  type: string;
  journeyId: string | null;
  isVerified: boolean;
  ownershipPercentage: number | null;
  controlPercentage: number | null;
  markedForDeletion: string[];
  properties: Record<string, unknown>;
  rootEntityId: string;
  version: number;
  created: string;
  updated: string;
}

export function associationDto(a: Association): AssociationDto {
  return {
    id: a.id,
    sourceId: a.entityId,
    targetId: a.relatedEntityId,
    type: a.associationType,
    journeyId: null,
    isVerified: a.status === 'Verified',
    ownershipPercentage: null,
    controlPercentage: null,
    markedForDeletion: [],
    properties: {},
    rootEntityId: a.entityId,
    version: a.version,
    created: a.created,
    updated: a.updated,
  };
}

const noAssociation = (id: string) =>
  new FenxHttpError(404, 'NOT_FOUND', `No association found for id ${id}`);

/**
 * FenX's Association Query API: one association by id, and an entity's associations
 * (`root/{entityId}`). A removed association is gone: 404 "No association found".
 */
@Controller('associationquery/api/association')
export class AssociationQueryController {
  constructor(
    private readonly store: SimStore,
    private readonly faults: FaultsService,
  ) {}

  @Get('root/:entityId')
  ofRoot(@Param('entityId') entityId: string) {
    return ok(
      [...this.store.associations.values()]
        .filter((a) => a.entityId === entityId && a.status !== 'Removed' && !this.faults.isGone(a.id))
        .map(associationDto),
    );
  }

  @Get(':id')
  one(@Param('id') id: string) {
    const a = this.store.associations.get(id);
    if (!a || a.status === 'Removed' || this.faults.isGone(id)) throw noAssociation(id);
    return ok(associationDto(a));
  }
}
