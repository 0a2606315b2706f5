import { Module } from '@nestjs/common';

import { ShopifyAdminApiController } from './admin-api/shopify-admin-api.controller';
import { ShopifyShopControlController } from './admin-api/shopify-shop-control.controller';
import { ShopifyShopStore } from './admin-api/shopify-shop.store';
import { ReplayController } from './replay.controller';

/** The Shopify stand-in: the webhook replayer and the Admin API (REST and GraphQL, 2026-07). */
@Module({
  controllers: [ReplayController, ShopifyShopControlController, ShopifyAdminApiController],
  providers: [ShopifyShopStore],
})
export class ShopifyModule {}
