import { createHmac, randomUUID } from 'node:crypto';

import { BadRequestException, Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { z } from 'zod';

import {
  type ChannelJson,
  deliverWebhook,
  type WebhookDeliveryResult,
} from '../common/channel-stand-in';
import { parseRequestBody } from '../common/request-body';
import { TargetNotAllowedError } from '../shopify/webhook-replayer';
import { SQUARE_SANDBOX_MERCHANT, SquareStore } from './square-store';

const deliverSchema = z.object({
  targetUrl: z.url(),
  /** The notification URL of the subscription; Square signs it together with the body. */
  notificationUrl: z.url(),
  signatureKey: z.string().min(1),
  /**
   * A fixture file's event, or `order.created` / `order.updated` built for `orderId` from the
   * stand-in's order (version 1 for an order it does not have).
   */
  event: z.enum([
    'webhook-order-updated',
    'webhook-refund-updated',
    'webhook-payout-paid',
    'order.created',
    'order.updated',
  ]),
  orderId: z.string().min(1).optional(),
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
    const event =
      request.event === 'order.created' || request.event === 'order.updated'
        ? this.orderEvent(request.event, request.orderId)
        : this.store.fixtures[request.event];
    const rawBody = Buffer.from(JSON.stringify({ ...event, event_id: randomUUID() }));
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

  /** Builds an order event as Square sends it: the order's id, state and version, not the order. */
  private orderEvent(type: 'order.created' | 'order.updated', orderId?: string): ChannelJson {
    if (!orderId) {
      throw new BadRequestException(`orderId: is required for ${type} events`);
    }

    const order = this.store.orders.get(orderId) ?? {};
    const name = type === 'order.created' ? 'order_created' : 'order_updated';

    return {
      merchant_id: SQUARE_SANDBOX_MERCHANT.merchantId,
      type,
      created_at: new Date().toISOString(),
      data: {
        type: name,
        id: orderId,
        object: {
          [name]: {
            order_id: orderId,
            version: order.version ?? 1,
            location_id: order.location_id,
            state: order.state ?? 'OPEN',
            created_at: order.created_at,
            ...(type === 'order.updated' ? { updated_at: order.updated_at } : {}),
          },
        },
      },
    };
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
