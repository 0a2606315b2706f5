import { Module } from '@nestjs/common';

import { BigCommerceApiController } from './bigcommerce-api.controller';
import { BigCommerceControlController } from './bigcommerce-control.controller';
import { BigCommerceStore } from './bigcommerce-store';

/** The BigCommerce API stand-in and its webhook sender. */
@Module({
  controllers: [BigCommerceApiController, BigCommerceControlController],
  providers: [BigCommerceStore],
})
export class BigCommerceSandboxModule {}
