import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { classifyEventType, EVENT_TYPES, relativeUrls, toWebhookBody } from '@fenx/fenx-events';
import { CreateWebhookDto, UpdateWebhookDto } from './webhook.dto';
import { WebhookService } from './webhook.service';

const EXAMPLE_ID = '09916cea-78b8-524c-a6ad-bd7397bcd4e6';

/**
 * FenX's webhook management API, in the shapes of FenX's Swagger: answers are not wrapped in `data`;
 * the list is `{"webHooks": [BasicWebhook]}` (no deliveries), one webhook `{"webhook": Webhook}` with
 * its `lastDeliveries`; create answers 200 `{"webhookId"}`; PUT and DELETE answer 200 with no body.
 */
@Controller('webhooks/v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhookService) {}

  @Get()
  list() {
    return { webHooks: this.webhooks.list().map((w) => w.basicView()) };
  }

  @Post()
  @HttpCode(200)
  create(@Body() dto: CreateWebhookDto) {
    return { webhookId: this.webhooks.create(dto).id };
  }

  @Get('event-notification-types')
  eventTypes() {
    return {
      eventTypes: EVENT_TYPES.map((eventType) => ({
        eventType,
        title: title(eventType),
        example: toWebhookBody({
          id: EXAMPLE_ID,
          tenantId: '45bf62ac-e4b1-4c16-ae32-d774cd18db6d',
          eventType,
          relativeUrl: exampleUrl(eventType),
          payload: {},
          when: '2023-11-12T17:18:55+00:00',
          correlationId: 'Test-CorrelationId',
          causationId: 'c780df56-5aa8-4d64-b9fd-3560d75817c8',
        }),
      })),
    };
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return { webhook: this.webhooks.get(id).view() };
  }

  @Put(':id')
  @HttpCode(200)
  update(@Param('id') id: string, @Body() dto: UpdateWebhookDto): void {
    this.webhooks.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(200)
  remove(@Param('id') id: string): void {
    this.webhooks.remove(id);
  }

  @Get(':id/test')
  test(@Param('id') id: string) {
    return this.webhooks.test(id);
  }
}

function title(eventType: string): string {
  const name = eventType.split(':')[1];
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

function exampleUrl(eventType: string): string {
  const e = '9b22ae41-3f0a-4c68-a332-8669705ee3ec';
  switch (classifyEventType(eventType).domain) {
    case 'journey':
      return relativeUrls.journey('5a1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b');
    case 'association':
      return relativeUrls.association('c0ffee00-0000-5000-8000-000000000001');
    default:
      return relativeUrls.entity(e);
  }
}
