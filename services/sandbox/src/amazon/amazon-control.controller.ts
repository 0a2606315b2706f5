import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { z } from 'zod';

import { parseRequestBody } from '../common/request-body';
import { AmazonStore } from './amazon-store';

/** Control endpoints of the Amazon stand-in: add orders, tune usage plans, read submitted feeds. */
@Controller('__sandbox/amazon')
export class AmazonControlController {
  constructor(private readonly store: AmazonStore) {}

  @Post('orders')
  @HttpCode(200)
  upsertOrder(@Body() body: unknown): Record<string, unknown> {
    const { order, items } = parseRequestBody(
      z.object({
        order: z.looseObject({ AmazonOrderId: z.string().min(1) }),
        items: z.array(z.looseObject({})),
      }),
      body,
    );

    this.store.orders.set(order.AmazonOrderId, order);
    this.store.items.set(order.AmazonOrderId, items);

    return order;
  }

  @Post('rate-limit')
  @HttpCode(200)
  rateLimit(@Body() body: unknown): { ok: true } {
    const { operation, ...budget } = parseRequestBody(
      z.object({
        operation: z.string().min(1),
        requestsPerSecond: z.number().positive(),
        burst: z.number().int().positive(),
      }),
      body,
    );

    this.store.limiter.override(operation, budget);

    return { ok: true };
  }

  @Get('feeds')
  feeds(): Record<string, unknown>[] {
    return this.store.feeds;
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
