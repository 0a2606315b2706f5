import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { type Request, type Response } from 'express';

import { assertLocalTarget, SHOPIFY_API_VERSION, TargetNotAllowedError } from '../webhook-replayer';
import { takeRestCall } from './shopify-rate-limit';
import { type SandboxShop, type SandboxWebhook, ShopifyShopStore } from './shopify-shop.store';
import { SANDBOX_WEBHOOK_TOPICS } from './shopify-webhook-delivery';

const API = `admin/api/${SHOPIFY_API_VERSION}`;

/**
 * A stand-in for the REST Admin API's webhook subscriptions (`webhooks.json`), for the app that
 * owns the access token. Addresses must be loopback URLs, so the sandbox never calls another host.
 */
@Controller()
export class ShopifyWebhooksController {
  private nextWebhookId = 4759306;

  constructor(private readonly shops: ShopifyShopStore) {}

  @Get(`${API}/webhooks.json`)
  list(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Query() query: Record<string, string | undefined>,
  ): { webhooks: SandboxWebhook[] } {
    const shop = this.enter(request, response);

    return {
      webhooks: shop.webhooks.filter(
        (webhook) =>
          (!query.topic || webhook.topic === query.topic) &&
          (!query.address || webhook.address === query.address),
      ),
    };
  }

  @Post(`${API}/webhooks.json`)
  @HttpCode(201)
  create(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Body() body: unknown,
  ): { webhook: SandboxWebhook } {
    const shop = this.enter(request, response);
    const input = ((body ?? {}) as { webhook?: { topic?: unknown; address?: unknown } }).webhook;
    const topic = typeof input?.topic === 'string' ? input.topic : '';
    const address = typeof input?.address === 'string' ? input.address : '';

    if (!SANDBOX_WEBHOOK_TOPICS.has(topic)) {
      throw unprocessable({ topic: ['Invalid topic specified.'] });
    }

    try {
      assertLocalTarget(address);
    } catch (error) {
      if (error instanceof TargetNotAllowedError) {
        throw unprocessable({ address: [error.message] });
      }

      throw error;
    }

    if (shop.webhooks.some((webhook) => webhook.topic === topic && webhook.address === address)) {
      throw unprocessable({ address: ['for this topic has already been taken'] });
    }

    const now = new Date().toISOString();
    const webhook: SandboxWebhook = {
      id: this.nextWebhookId++,
      topic,
      address,
      format: 'json',
      api_version: SHOPIFY_API_VERSION,
      created_at: now,
      updated_at: now,
    };

    shop.webhooks.push(webhook);

    return { webhook };
  }

  @Delete(`${API}/webhooks/:id.json`)
  remove(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Param('id') id: string,
  ): Record<string, never> {
    const shop = this.enter(request, response);
    const index = shop.webhooks.findIndex((webhook) => String(webhook.id) === id);

    if (index < 0) {
      throw new HttpException({ errors: 'Not Found' }, HttpStatus.NOT_FOUND);
    }

    shop.webhooks.splice(index, 1);

    return {};
  }

  /** Authenticates the call by its access token and takes it from the shop's REST bucket. */
  private enter(request: Request, response: Response): SandboxShop {
    const shop = this.shops.findByToken(request.header('x-shopify-access-token'));

    if (!shop) {
      throw new HttpException(
        { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' },
        HttpStatus.UNAUTHORIZED,
      );
    }

    const budget = takeRestCall(shop);

    response.setHeader('X-Shopify-Shop-Api-Call-Limit', budget.header);

    if (budget.retryAfter !== undefined) {
      response.setHeader('Retry-After', budget.retryAfter.toFixed(1));
      throw new HttpException(
        { errors: 'Exceeded 2 calls per second for api client.' },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }

    shop.calls.push({ method: request.method, path: request.path, status: 200 });

    return shop;
  }
}

function unprocessable(errors: Record<string, string[]>): HttpException {
  return new HttpException({ errors }, HttpStatus.UNPROCESSABLE_ENTITY);
}
