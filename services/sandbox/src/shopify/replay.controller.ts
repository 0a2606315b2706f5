import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  Inject,
  Logger,
  Post,
} from '@nestjs/common';

import { parseRequestBody } from '../common/request-body';
import { SANDBOX_CONFIG } from '../config/config.tokens';
import { type SandboxConfig } from '../config/sandbox.config';
import { FixtureError, loadShopifyOrderFixtures } from './order-fixtures';
import { type ReplayRequest, replayRequestSchema } from './replay.schema';
import {
  assertLocalTarget,
  type DeliveryResult,
  replayShopifyWebhooks,
  TargetNotAllowedError,
} from './webhook-replayer';

/** Replays Shopify order webhooks, from fixtures or given payloads, to a local receiver. */
@Controller('__sandbox/shopify')
export class ReplayController {
  private readonly logger = new Logger(ReplayController.name);

  constructor(@Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig) {}

  @Post('replay')
  @HttpCode(200)
  async replay(@Body() body: unknown): Promise<DeliveryResult[]> {
    const request = parseRequestBody(replayRequestSchema, body);
    const orders = this.ordersFor(request);

    try {
      assertLocalTarget(request.targetUrl);
    } catch (error) {
      throw error instanceof TargetNotAllowedError ? new BadRequestException(error.message) : error;
    }

    const results = await replayShopifyWebhooks({ ...request, orders });

    this.logResults(request, results);

    return results;
  }

  private ordersFor(request: ReplayRequest): Record<string, unknown>[] {
    if (request.orders) {
      return request.orders;
    }

    try {
      return loadShopifyOrderFixtures({
        fixturesDir: this.config.fixturesDir,
        files: request.fixtures,
      }).map((fixture) => fixture.body);
    } catch (error) {
      throw error instanceof FixtureError ? new BadRequestException(error.message) : error;
    }
  }

  private logResults(request: ReplayRequest, results: DeliveryResult[]): void {
    const failed = results.filter((result) => result.status < 200 || result.status >= 300);

    this.logger.log({
      message: 'Shopify webhooks replayed',
      shopDomain: request.shopDomain,
      topic: request.topic,
      deliveries: results.length,
      failed: failed.length,
    });
    for (const result of failed.slice(0, 5)) {
      this.logger.warn({
        message: 'Webhook delivery failed',
        orderId: result.orderId,
        webhookId: result.webhookId,
        status: result.status,
        error: result.error,
      });
    }
  }
}
