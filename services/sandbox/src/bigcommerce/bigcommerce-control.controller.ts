import { createHash } from 'node:crypto';

import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Post,
} from '@nestjs/common';
import { z } from 'zod';

import { deliverWebhook, type WebhookDeliveryResult } from '../common/channel-stand-in';
import { parseRequestBody } from '../common/request-body';
import { SandboxClock } from '../common/sandbox-clock';
import { TargetNotAllowedError } from '../shopify/webhook-replayer';
import { BC_SANDBOX_STORE, BigCommerceStore } from './bigcommerce-store';

/** Control endpoints of the BigCommerce stand-in: add orders and refunds, fire webhooks. */
@Controller('__sandbox/bigcommerce')
export class BigCommerceControlController {
  constructor(
    private readonly store: BigCommerceStore,
    private readonly clock: SandboxClock,
  ) {}

  @Post('orders')
  @HttpCode(200)
  upsertOrder(@Body() body: unknown): Record<string, unknown> {
    const { order, products } = parseRequestBody(
      z.object({
        order: z.looseObject({ id: z.number().int().positive() }),
        products: z.array(z.looseObject({})).min(1),
      }),
      body,
    );

    return this.store.upsertOrder(order, products, this.clock.now());
  }

  /** Makes the next `count` reads of the order (`GET /v2/orders/:id`) fail with HTTP 500. */
  @Post('orders/:id/faults')
  @HttpCode(200)
  failOrderReads(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: unknown,
  ): { orderId: number; count: number } {
    const { count } = parseRequestBody(z.object({ count: z.number().int().min(0).max(100) }), body);

    this.store.orderFaults.set(id, count);

    return { orderId: id, count };
  }

  @Post('refunds')
  @HttpCode(200)
  addRefund(@Body() body: unknown): Record<string, unknown> {
    const refund = parseRequestBody(
      z.looseObject({ id: z.number().int().positive(), order_id: z.number().int().positive() }),
      body,
    );

    this.store.refunds.push({ created: this.clock.now().toISOString(), ...refund });

    return refund;
  }

  /**
   * Fires a lightweight webhook (`{scope, producer, data: {type, id}}`) to every active hook
   * whose scope matches, with the custom headers the hook was created with, as BigCommerce does.
   * `repeat` sends the same body that many more times, as BigCommerce does when it retries.
   */
  @Post('webhooks/fire')
  @HttpCode(200)
  async fire(@Body() body: unknown): Promise<WebhookDeliveryResult[]> {
    const { scope, orderId, repeat } = parseRequestBody(
      z.object({
        scope: z.string().startsWith('store/order/'),
        orderId: z.number().int().positive(),
        repeat: z.number().int().min(0).max(10).default(0),
      }),
      body,
    );
    const payload = {
      scope,
      store_id: '1025646',
      producer: `stores/${BC_SANDBOX_STORE.storeHash}`,
      created_at: Math.floor(this.clock.nowMs() / 1000),
      data: { type: 'order', id: orderId },
    };
    const rawBody = Buffer.from(
      JSON.stringify({
        ...payload,
        hash: createHash('sha1').update(JSON.stringify(payload)).digest('hex'),
      }),
    );
    const hooks = this.store.hooks.filter(
      (hook) => hook.is_active && (hook.scope === scope || hook.scope === 'store/order/*'),
    );
    const results: WebhookDeliveryResult[] = [];

    try {
      for (let attempt = 0; attempt <= repeat; attempt += 1) {
        for (const hook of hooks) {
          results.push(await deliverWebhook(hook.destination, rawBody, hook.headers));
        }
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
