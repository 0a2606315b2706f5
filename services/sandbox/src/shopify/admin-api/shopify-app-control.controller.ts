import {
  Body,
  ConflictException,
  Controller,
  HttpCode,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { z } from 'zod';

import { parseRequestBody } from '../../common/request-body';
import { type SandboxApp, ShopifyAppStore } from './shopify-app.store';
import { type JsonObject, type SandboxShop, ShopifyShopStore } from './shopify-shop.store';
import { deliverShopifyWebhook, type WebhookDeliveryResult } from './shopify-webhook-delivery';

const registerAppSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(8),
  redirectUrls: z.array(z.url()).default([]),
});

const deliverSchema = z.object({
  topic: z.string().min(1),
  /** The shop's order sent as the body of an order topic, or the order whose first refund is sent. */
  orderId: z.union([z.number(), z.string()]).optional(),
  /** A body to send as is, in place of the order. */
  payload: z.looseObject({}).optional(),
});

/**
 * Test and demo controls of Shopify apps: register an app (client id and secret), make a shop
 * send a webhook topic to the installed app's subscriptions, and uninstall the app.
 */
@Controller('__sandbox/shopify')
export class ShopifyAppControlController {
  constructor(
    private readonly apps: ShopifyAppStore,
    private readonly shops: ShopifyShopStore,
  ) {}

  @Post('apps')
  @HttpCode(201)
  register(@Body() body: unknown): Omit<SandboxApp, 'clientSecret'> {
    const app = this.apps.register(parseRequestBody(registerAppSchema, body));

    return { clientId: app.clientId, redirectUrls: app.redirectUrls };
  }

  /** Sends `topic` to every subscription of the installed app, as Shopify would on that event. */
  @Post('shops/:shopDomain/webhooks/deliver')
  @HttpCode(200)
  async deliver(
    @Param('shopDomain') shopDomain: string,
    @Body() body: unknown,
  ): Promise<{ deliveries: WebhookDeliveryResult[] }> {
    const shop = this.requireShop(shopDomain);
    const request = parseRequestBody(deliverSchema, body);
    const payload = request.payload ?? this.payloadFor(shop, request.topic, request.orderId);

    return {
      deliveries: await deliverShopifyWebhook(
        shop,
        this.requireInstalledApp(shop).clientSecret,
        request.topic,
        payload,
      ),
    };
  }

  /** Uninstalls the app: sends `app/uninstalled`, then revokes the token and drops the webhooks. */
  @Post('shops/:shopDomain/uninstall')
  @HttpCode(200)
  async uninstall(
    @Param('shopDomain') shopDomain: string,
  ): Promise<{ deliveries: WebhookDeliveryResult[] }> {
    const shop = this.requireShop(shopDomain);
    const app = this.requireInstalledApp(shop);
    const deliveries = await deliverShopifyWebhook(shop, app.clientSecret, 'app/uninstalled', {
      id: 548380009,
      name: shop.name,
      domain: shop.shopDomain,
      myshopify_domain: shop.shopDomain,
      currency: shop.currency,
    });

    this.shops.uninstall(shop);

    return { deliveries };
  }

  private payloadFor(
    shop: SandboxShop,
    topic: string,
    orderId: string | number | undefined,
  ): JsonObject {
    const order = orderId === undefined ? undefined : shop.orders.get(String(orderId));

    if (!order) {
      throw new NotFoundException(
        `orderId ${String(orderId ?? '(missing)')} is not an order of ${shop.shopDomain}: send the id of one of its orders, or the payload itself, for topic ${topic}`,
      );
    }

    if (topic !== 'refunds/create') {
      return order;
    }

    const refund = (order.refunds as JsonObject[] | undefined)?.[0];

    if (!refund) {
      throw new NotFoundException(
        `order ${String(orderId)} has no refund to send as refunds/create`,
      );
    }

    return refund;
  }

  private requireShop(shopDomain: string): SandboxShop {
    const shop = this.shops.findByDomain(shopDomain);

    if (!shop) {
      throw new NotFoundException(
        `No sandbox shop ${shopDomain}; create it with POST /__sandbox/shopify/shops`,
      );
    }

    return shop;
  }

  private requireInstalledApp(shop: SandboxShop): SandboxApp {
    const app = this.apps.find(shop.installedClientId);

    if (!app) {
      throw new ConflictException(
        `no app is installed on ${shop.shopDomain}; install one through /${shop.shopDomain}/admin/oauth/authorize`,
      );
    }

    return app;
  }
}
