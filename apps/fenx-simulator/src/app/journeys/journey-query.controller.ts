import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { FenxHttpError, notFound, ok } from '../api/fenx-envelope';
import { FaultsService } from '../faults/faults.service';
import { tasksOf } from '../generator/activity-generator';
import type { JourneyInstance } from '../state/models';
import { SimStore } from '../state/sim-store';
import { journeyEtag, matchesEtag } from './etag';
import { JourneySearchDto } from './journey-search.dto';

/** Our choice: FenX documents a Retry-After on 304 without its value. */
const NOT_MODIFIED_RETRY_AFTER_SECONDS = '60';
const DEFAULT_PAGE_SIZE = 20;

@Controller('journeyquery/api/journey-instance')
export class JourneyQueryController {
  constructor(
    private readonly store: SimStore,
    private readonly faults: FaultsService,
  ) {}

  @Post('search')
  @HttpCode(200)
  search(@Body() body: JourneySearchDto) {
    const { entityId, options } = body.data;
    const ids = (this.store.journeysByEntity.get(entityId) ?? []).filter((id) => !this.faults.isGone(id));
    const start = options?.paginationToken ? decodeToken(options.paginationToken) : 0;
    const size = options?.pageSize ?? DEFAULT_PAGE_SIZE;
    const page = ids.slice(start, start + size);
    const next = start + size < ids.length ? encodeToken(start + size) : null;
    return ok({
      items: page.map((id) => summary(this.store.journeys.get(id) as JourneyInstance)),
      nextPaginationToken: next,
    });
  }

  @Get(':id')
  detail(
    @Param('id') id: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const j = this.find(id);
    const etag = journeyEtag(j.id, j.version);
    res.setHeader('ETag', etag);
    if (matchesEtag(ifNoneMatch, etag)) {
      res.setHeader('Retry-After', NOT_MODIFIED_RETRY_AFTER_SECONDS);
      res.status(304);
      return undefined;
    }
    return ok(j);
  }

  @Get(':id/task/:taskId')
  task(@Param('id') id: string, @Param('taskId') taskId: string) {
    const task = tasksOf(this.find(id)).find((t) => t.id === taskId);
    if (!task) throw notFound('Task', taskId);
    return ok(task);
  }

  private find(id: string): JourneyInstance {
    const j = this.store.journeys.get(id);
    if (!j || this.faults.isGone(id)) throw notFound('Journey instance', id);
    return j;
  }
}

/** Search items are the journey without its stage tree (fetch the detail for the audit trail). */
function summary(j: JourneyInstance): Omit<JourneyInstance, 'stages'> {
  const { stages, ...rest } = j;
  void stages;
  return rest;
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeToken(token: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      offset: unknown;
    };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw new FenxHttpError(400, 'VALIDATION_ERROR', 'paginationToken is invalid');
}
