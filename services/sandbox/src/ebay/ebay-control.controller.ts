import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { z } from 'zod';

import { parseRequestBody } from '../common/request-body';
import { EbayStore } from './ebay-store';

/** Control endpoints of the eBay stand-in. */
@Controller('__sandbox/ebay')
export class EbayControlController {
  constructor(private readonly store: EbayStore) {}

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
