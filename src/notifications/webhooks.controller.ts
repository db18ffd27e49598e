import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, RequirePermission } from '../common/auth/auth.decorators';
import { ActorContext } from '../common/auth/principal';
import { ApiNotFound, ApiValidationErrors } from '../common/http/api-errors.decorator';
import { UuidPipe } from '../common/http/uuid.pipe';
import { Permission } from '../core/permissions';
import {
  CreatedWebhookDto,
  toWebhookDeliveryDto,
  toWebhookDto,
  WebhookDeliveryPageDto,
  WebhookDto,
  WebhookPingDto,
} from './dto/webhook.dto';
import { CreateWebhookDto, DeliveriesQueryDto } from './dto/webhook-input.dto';
import { PING_EVENT } from './webhook-events';
import { WebhooksService } from './webhooks.service';

const DELIVERY_SCHEME =
  'Each delivery is `POST <url>` with `Content-Type: application/json` and the body ' +
  '`{"id": <delivery id>, "event": <event>, "occurred_at": <ISO time>, "data": <event payload>}`. Headers: ' +
  '`X-IDS-Event` (the event), `X-IDS-Delivery` (the delivery id, the same on every retry: de-duplicate on it), ' +
  '`X-IDS-Attempt` (1, 2, …), `X-IDS-Timestamp` (Unix seconds at sending) and ' +
  '`X-IDS-Signature: sha256=<hex>`, the HMAC-SHA256 keyed with the webhook secret of `<X-IDS-Timestamp>.<raw body>`. ' +
  'To verify: recompute over the raw bytes received, compare in constant time, and refuse a timestamp more than ' +
  '5 minutes from your clock (a replayed request fails one of the two). Any 2xx answer within the timeout ' +
  '(WEBHOOK_TIMEOUT_MS, default 5 s) is a success; otherwise the delivery is retried with exponential backoff ' +
  '(WEBHOOK_MAX_ATTEMPTS attempts, first retry after WEBHOOK_RETRY_DELAY_MS). Redirects are not followed.';

@ApiTags('webhooks')
@Controller('webhooks')
@RequirePermission(Permission.SYSTEM_CONFIG)
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiOperation({
    summary: 'Register a webhook; its signing secret is returned once',
    description:
      'Alert events are filtered by `min_risk_level` when set. The secret is generated when not given, stored ' +
      'encrypted (AES-256-GCM) and never returned again. ' + DELIVERY_SCHEME,
  })
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  @ApiValidationErrors()
  async create(@Actor() actor: ActorContext, @Body() dto: CreateWebhookDto): Promise<CreatedWebhookDto> {
    const { webhook, secret } = await this.webhooks.create(actor, dto);
    return { ...toWebhookDto(webhook), secret };
  }

  @Get()
  @ApiOperation({ summary: 'List webhooks (never their secrets)' })
  @ApiOkResponse({ type: [WebhookDto] })
  async list(): Promise<WebhookDto[]> {
    return (await this.webhooks.list()).map(toWebhookDto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook and its delivery log (queued deliveries are dropped)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFound('Webhook')
  @ApiValidationErrors()
  async remove(@Actor() actor: ActorContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.webhooks.remove(actor, id);
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Queue a test delivery (event `ping`)',
    description: 'Delivered, signed and retried like any event; its attempts appear in the delivery log. ' + DELIVERY_SCHEME,
  })
  @ApiAcceptedResponse({ type: WebhookPingDto })
  @ApiNotFound('Webhook')
  @ApiValidationErrors()
  async test(@Param('id', UuidPipe) id: string): Promise<WebhookPingDto> {
    return { delivery_id: await this.webhooks.ping(id), event: PING_EVENT };
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Delivery attempts of a webhook, newest first: attempt, status code, error, duration' })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  @ApiNotFound('Webhook')
  @ApiValidationErrors()
  async deliveries(@Param('id', UuidPipe) id: string, @Query() q: DeliveriesQueryDto): Promise<WebhookDeliveryPageDto> {
    const rows = await this.webhooks.deliveries(id, q.cursor, q.limit);
    const page = rows.slice(0, q.limit);
    return {
      items: page.map(toWebhookDeliveryDto),
      meta: { next_cursor: rows.length > q.limit ? String(page[page.length - 1].id) : null, limit: q.limit },
    };
  }
}
