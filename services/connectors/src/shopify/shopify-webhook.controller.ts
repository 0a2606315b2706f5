import {
  Controller,
  Headers,
  HttpCode,
  HttpException,
  HttpStatus,
  Post,
  Req,
} from '@nestjs/common';
import { type Request } from 'express';

import { type DeliveryOutcome, ShopifyWebhookService } from './shopify-webhook.service';

/**
 * Shopify's webhook endpoint. Shopify waits at most five seconds for a response, so the handler only
 * verifies, normalises and stores the order in JetStream; posting happens asynchronously.
 */
@Controller('webhooks/shopify')
export class ShopifyWebhookController {
  constructor(private readonly webhooks: ShopifyWebhookService) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  async receive(
    @Req() request: Request,
    @Headers('x-shopify-topic') topic?: string,
    @Headers('x-shopify-shop-domain') shopDomain?: string,
    @Headers('x-shopify-hmac-sha256') signature?: string,
    @Headers('x-shopify-webhook-id') webhookId?: string,
  ): Promise<DeliveryOutcome> {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const outcome = await this.webhooks.receive({
      rawBody,
      topic,
      shopDomain,
      signature,
      webhookId,
    });

    if (outcome.status === 'unauthorized') {
      throw new HttpException(
        { statusCode: 401, message: outcome.reason },
        HttpStatus.UNAUTHORIZED,
      );
    }

    if (outcome.status === 'rejected') {
      throw new HttpException(
        { statusCode: 422, message: outcome.reason },
        HttpStatus.UNPROCESSABLE_ENTITY,
      );
    }

    return outcome;
  }
}
