import { Controller, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import { PollingService } from './polling.service';

@Controller('eventnotifications/v2')
export class PollingController {
  constructor(private readonly polling: PollingService) {}

  @Get(':feedId/next')
  next(@Param('feedId') feedId: string, @Res({ passthrough: true }) res: Response) {
    const batch = this.polling.next(feedId);
    if (!batch) {
      res.status(204);
      return undefined;
    }
    return batch;
  }

  @Post(':feedId/:batchId/complete')
  @HttpCode(200)
  complete(@Param('feedId') feedId: string, @Param('batchId') batchId: string) {
    this.polling.complete(feedId, batchId);
    return { data: null, messages: [] };
  }

  @Put(':feedId/discardAll')
  @HttpCode(200)
  discardAll(@Param('feedId') feedId: string) {
    this.polling.discardAll(feedId);
    return { data: null, messages: [] };
  }
}
