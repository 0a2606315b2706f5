import { loadShopifyBenchmarkSamples } from './shopify-benchmark';
import { type ChannelRegistration } from '../channel/channel-adapter';
import { type ShopifyCredentials, shopifyAdapter } from './shopify.adapter';

export const shopifyRegistration: ChannelRegistration<ShopifyCredentials> = {
  adapter: shopifyAdapter,
  benchmarkSamples: loadShopifyBenchmarkSamples,
};
