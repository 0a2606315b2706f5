import { Module } from '@nestjs/common';

import { ShopifyAdminApiController } from './admin-api/shopify-admin-api.controller';
import { ShopifyAppControlController } from './admin-api/shopify-app-control.controller';
import { ShopifyAppStore } from './admin-api/shopify-app.store';
import { ShopifyOAuthController } from './admin-api/shopify-oauth.controller';
import { ShopifyShopControlController } from './admin-api/shopify-shop-control.controller';
import { ShopifyShopStore } from './admin-api/shopify-shop.store';
import { ShopifyWebhooksController } from './admin-api/shopify-webhooks.controller';
import { ReplayController } from './replay.controller';

/**
 * The Shopify stand-in: the webhook replayer, the Admin API (REST and GraphQL, 2026-07) with
 * webhook subscriptions, and the OAuth authorization-code grant of an app install.
 */
@Module({
  controllers: [
    ReplayController,
    ShopifyShopControlController,
    ShopifyAppControlController,
    ShopifyAdminApiController,
    ShopifyWebhooksController,
    ShopifyOAuthController,
  ],
  providers: [ShopifyShopStore, ShopifyAppStore],
})
export class ShopifyModule {}
