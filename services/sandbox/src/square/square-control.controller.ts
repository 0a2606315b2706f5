import { createHmac, randomUUID } from 'node:crypto';

import { BadRequestException, Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { z } from 'zod';

import { deliverWebhook, type WebhookDeliveryResult } from '../common/channel-stand-in';
import { parseRequestBody } from '../common/request-body';
import { TargetNotAllowedError } from '../shopify/webhook-replayer';
import { SquareStore } from './square-store';

const deliverSchema = z.object({
  targetUrl: z.url(),
  /** The notification URL of the subscription; Square signs it together with the body. */
  notificationUrl: z.url(),
  signatureKey: z.string().min(1),
  event: z.enum(['webhook-order-updated', 'webhook-refund-updated', 'webhook-payout-paid']),
  repeat: z.number().int().min(0).max(10).default(0),
});

/** Control endpoints of the Square stand-in: send signed events, tune the limit. */
@Controller('__sandbox/square')
export class SquareControlController {
  constructor(private readonly store: SquareStore) {}

  /** Signs an event like Square: base64 HMAC-SHA256 of notification URL plus body. */
  @Post('webhooks/deliver')
  @HttpCode(200)
  async deliver(@Body() body: unknown): Promise<WebhookDeliveryResult[]> {
    const request = parseRequestBody(deliverSchema, body);
    const rawBody = Buffer.from(
      JSON.stringify({ ...this.store.fixtures[request.event], event_id: randomUUID() }),
    );
    const signature = createHmac('sha256', request.signatureKey)
      .update(request.notificationUrl)
      .update(rawBody)
      .digest('base64');
    const results: WebhookDeliveryResult[] = [];

    try {
      for (let attempt = 0; attempt <= request.repeat; attempt += 1) {
        results.push(
          await deliverWebhook(request.targetUrl, rawBody, {
            'x-square-hmacsha256-signature': signature,
            'square-environment': 'Sandbox',
          }),
        );
      }
    } catch (error) {
      throw error instanceof TargetNotAllowedError ? new BadRequestException(error.message) : error;
    }

    return results;
  }

  @Post('rate-limit')
  @HttpCode(200)
  rateLimit(@Body() body: unknown): { ok: true } {
    this.store.limiter.override(
      'default',
      parseRequestBody(
        z.object({ requestsPerSecond: z.number().positive(), burst: z.number().int().positive() }),
        body,
      ),
    );

    return { ok: true };
  }

  @Get('stats')
  stats(): { throttled: number } {
    return { throttled: this.store.limiter.throttled };
  }

  @Post('reset')
  @HttpCode(200)
  reset(): { ok: true } {
    this.store.seed();

    return { ok: true };
  }
}
