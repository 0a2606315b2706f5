import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { z } from 'zod';

import { parseRequestBody } from '../common/request-body';
import { WALMART_REPORT_FORMATS, WalmartStore } from './walmart-store';

/** Control endpoints of the Walmart stand-in. */
@Controller('__sandbox/walmart')
export class WalmartControlController {
  constructor(private readonly store: WalmartStore) {}

  @Post('rate-limit')
  @HttpCode(200)
  rateLimit(@Body() body: unknown): { ok: true } {
    const { bucket, ...budget } = parseRequestBody(
      z.object({
        bucket: z.enum(['default', 'feeds']).default('default'),
        requestsPerSecond: z.number().positive(),
        burst: z.number().int().positive(),
      }),
      body,
    );

    this.store.limiter.override(bucket, budget);

    return { ok: true };
  }

  /** Sets how `reconFile` sends reports: `zip` (as Walmart does), `csv` or `corrupt-zip`. */
  @Post('report-format')
  @HttpCode(200)
  reportFormat(@Body() body: unknown): { ok: true } {
    this.store.reportFormat = parseRequestBody(
      z.object({ format: z.enum(WALMART_REPORT_FORMATS) }),
      body,
    ).format;

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
