import { Module } from '@nestjs/common';

import { EbayApiController } from './ebay-api.controller';
import { EbayControlController } from './ebay-control.controller';
import { EbayStore } from './ebay-store';

/** The eBay OAuth, Fulfillment, Finances and Inventory API stand-in. */
@Module({ controllers: [EbayApiController, EbayControlController], providers: [EbayStore] })
export class EbaySandboxModule {}
