import { Body, Controller, Headers, Param, Put, Res } from '@nestjs/common';
import { relativeUrls } from '@fenx/fenx-events';
import type { Response } from 'express';
import { FenxHttpError, notFound } from '../api/fenx-envelope';
import { SimClock } from '../core/clock';
import { NotificationBus } from '../events/notification-bus';
import { FaultsService } from '../faults/faults.service';
import { findConflicts, rebaseDraft } from '../state/conflicts';
import { SimStore } from '../state/sim-store';
import { ConflictsDto } from './conflicts.dto';

/**
 * `pushChanges:false` reports conflicts (409 with `dataConflicts`) or none (202);
 * `pushChanges:true` with the current `entityVersion` moves the draft onto it (202), with a stale
 * one answers 409 CONFLICT. The verified record is never changed here.
 */
@Controller('entitydatacommand/api/v2/entity')
export class ConflictsController {
  constructor(
    private readonly store: SimStore,
    private readonly faults: FaultsService,
    private readonly bus: NotificationBus,
    private readonly clock: SimClock,
  ) {}

  @Put(':entityId/draft/:draftId/conflicts')
  conflicts(
    @Param('entityId') entityId: string,
    @Param('draftId') draftId: string,
    @Body() body: ConflictsDto,
    @Headers('x-correlation-id') correlationId: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const entity = this.store.entities.get(entityId);
    if (!entity || this.faults.isGone(entityId)) throw notFound('Entity', entityId);
    const draft = this.store.drafts.get(draftId);
    if (!draft || draft.sourceEntityId !== entityId || this.faults.isGone(draftId))
      throw notFound('Draft', draftId);
    if (draft.status !== 'InProgress')
      throw new FenxHttpError(400, 'DRAFT_NOT_EDITABLE', `Draft ${draftId} is ${draft.status}`);
    const conflicts = findConflicts(entity, draft, this.store.draftBases.get(draftId) ?? {});
    const { pushChanges, entityVersion, useSourceEntityVersion, dataConflictResolutions } = body.data;
    if (!pushChanges) {
      if (Object.keys(conflicts).length === 0) {
        // FenX's "no conflict": 202 with no body.
        res.status(202);
        return undefined;
      }
      res.status(409);
      return {
        data: { entityVersion: entity.version, dataConflicts: conflicts },
        messages: null,
      };
    }
    if (entityVersion === undefined)
      throw new FenxHttpError(400, 'VALIDATION_ERROR', 'entityVersion is required with pushChanges');
    if (entityVersion !== entity.version)
      throw new FenxHttpError(
        409,
        'CONFLICT',
        `entityVersion ${entityVersion} is stale: the verified record is at version ${entity.version}`,
      );
    const base = rebaseDraft(
      entity,
      draft,
      conflicts,
      dataConflictResolutions ?? {},
      useSourceEntityVersion ?? false,
      this.clock.nowIso(),
    );
    this.store.draftBases.set(draftId, base);
    this.bus.emit({
      eventType: 'entitydata:draftupdated',
      relativeUrl: relativeUrls.draft(entityId, draftId),
      payload: { entityId, draftId, journeyId: draft.journeyId },
      entityId,
      recordIds: [draftId],
      correlationId: correlationId ?? null,
      causationId: this.bus.nextCommandId(),
    });
    res.status(202);
    return undefined;
  }
}
