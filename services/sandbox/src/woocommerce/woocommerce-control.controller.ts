import { createHmac, randomInt } from 'node:crypto';

import { BadRequestException, Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { z } from 'zod';

import { deliverWebhook, type WebhookDeliveryResult } from '../common/channel-stand-in';
import { parseRequestBody } from '../common/request-body';
import { SandboxClock } from '../common/sandbox-clock';
import { TargetNotAllowedError } from '../shopify/webhook-replayer';
import { WooCommerceStore } from './woocommerce-store';

const deliverSchema = z.object({
  targetUrl: z.url(),
  secret: z.string().min(1),
  /** Store URL sent as X-WC-Webhook-Source. */
  source: z.url().default('http://127.0.0.1/woocommerce/'),
  topic: z
    .enum(['order.created', 'order.updated', 'order.deleted', 'order.restored'])
    .default('order.updated'),
  orderId: z.number().int().positive(),
  /** Extra deliveries with the same delivery id, as WooCommerce retries. */
  repeat: z.number().int().min(0).max(10).default(0),
});

const budgetSchema = z.object({
  requestsPerSecond: z.number().positive(),
  burst: z.number().int().positive(),
});

/** Control endpoints of the WooCommerce stand-in: add orders, send webhooks, tune the limit. */
@Controller('__sandbox/woocommerce')
export class WooCommerceControlController {
  constructor(
    private readonly store: WooCommerceStore,
    private readonly clock: SandboxClock,
  ) {}

  @Post('orders')
  @HttpCode(200)
  upsertOrder(@Body() body: unknown): Record<string, unknown> {
    const order = parseRequestBody(z.looseObject({ id: z.number().int().positive() }), body);

    return this.store.upsertOrder(order, this.clock.now());
  }

  /** Adds or replaces a product, with its variations for a variable product. */
  @Post('products')
  @HttpCode(200)
  upsertProduct(@Body() body: unknown): Record<string, unknown> {
    const { product, variations } = parseRequestBody(
      z.object({
        product: z.looseObject({ id: z.number().int().positive() }),
        variations: z.array(z.looseObject({ id: z.number().int().positive() })).default([]),
      }),
      body,
    );

    this.store.products.set(product.id, product);
    this.store.variations.set(product.id, variations);

    return product;
  }

  @Post('refunds')
  @HttpCode(200)
  addRefund(@Body() body: unknown): Record<string, unknown> {
    const { orderId, refund } = parseRequestBody(
      z.object({
        orderId: z.number().int().positive(),
        refund: z.looseObject({ id: z.number().int().positive() }),
      }),
      body,
    );

    this.store.refunds.set(orderId, [...(this.store.refunds.get(orderId) ?? []), refund]);

    return refund;
  }

  /** Signs the stored order like WooCommerce (`X-WC-Webhook-Signature`) and POSTs it. */
  @Post('webhooks/deliver')
  @HttpCode(200)
  async deliver(@Body() body: unknown): Promise<WebhookDeliveryResult[]> {
    const request = parseRequestBody(deliverSchema, body);
    const order = this.store.orders.get(request.orderId);

    if (!order) {
      throw new BadRequestException(`orderId: no stored order ${request.orderId}`);
    }

    const rawBody = Buffer.from(
      JSON.stringify(request.topic === 'order.deleted' ? { id: order.id } : order),
    );
    const headers = {
      'x-wc-webhook-source': request.source,
      'x-wc-webhook-topic': request.topic,
      'x-wc-webhook-resource': 'order',
      'x-wc-webhook-event': request.topic.split('.')[1],
      'x-wc-webhook-signature': createHmac('sha256', request.secret)
        .update(rawBody)
        .digest('base64'),
      'x-wc-webhook-id': '1',
      'x-wc-webhook-delivery-id': String(randomInt(1, 2 ** 31)),
    };
    const results: WebhookDeliveryResult[] = [];

    try {
      for (let attempt = 0; attempt <= request.repeat; attempt += 1) {
        results.push(await deliverWebhook(request.targetUrl, rawBody, headers));
      }
    } catch (error) {
      throw error instanceof TargetNotAllowedError ? new BadRequestException(error.message) : error;
    }

    return results;
  }

  @Post('rate-limit')
  @HttpCode(200)
  rateLimit(@Body() body: unknown): { ok: true } {
    this.store.limiter.override('default', parseRequestBody(budgetSchema, body));

    return { ok: true };
  }

  @Get('stats')
  stats(): { throttled: number; orders: number } {
    return { throttled: this.store.limiter.throttled, orders: this.store.orders.size };
  }

  @Post('reset')
  @HttpCode(200)
  reset(): { ok: true } {
    this.store.seed();

    return { ok: true };
  }
}
