import { type Channel } from '@qbsync/contracts';

import { amazonRegistration } from './amazon/amazon.registration';
import { bigCommerceRegistration } from './bigcommerce/bigcommerce.registration';
import { type ChannelRegistration } from './channel/channel-adapter';
import { customStoreRegistration } from './custom/custom-store.registration';
import { ebayRegistration } from './ebay/ebay.registration';
import { etsyRegistration } from './etsy/etsy.registration';
import { shopifyRegistration } from './shopify/shopify.registration';
import { squareRegistration } from './square/square.registration';
import { walmartRegistration } from './walmart/walmart.registration';
import { wooCommerceRegistration } from './woocommerce/woocommerce.registration';

/**
 * Every channel this image can serve, by channel name. A deployment with `CHANNEL=<name>` loads
 * only its entry. Each channel adds one line here.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own credential type
export const CHANNEL_REGISTRATIONS: Partial<Record<Channel, ChannelRegistration<any>>> = {
  shopify: shopifyRegistration,
  custom: customStoreRegistration,
  woocommerce: wooCommerceRegistration,
  bigcommerce: bigCommerceRegistration,
  square: squareRegistration,
  amazon: amazonRegistration,
  ebay: ebayRegistration,
  etsy: etsyRegistration,
  walmart: walmartRegistration,
};
