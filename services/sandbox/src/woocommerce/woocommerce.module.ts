import { Module } from '@nestjs/common';

import { WooCommerceApiController } from './woocommerce-api.controller';
import { WooCommerceControlController } from './woocommerce-control.controller';
import { WooCommerceStore } from './woocommerce-store';

/** The WooCommerce REST API v3 stand-in and its webhook sender. */
@Module({
  controllers: [WooCommerceApiController, WooCommerceControlController],
  providers: [WooCommerceStore],
})
export class WooCommerceSandboxModule {}
