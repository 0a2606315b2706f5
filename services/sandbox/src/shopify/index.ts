/**
 * Functions the demo and benchmark scripts load from the build output with
 * `require('@qbsync/sandbox/dist/shopify')`.
 */
export { FixtureError, loadShopifyOrderFixtures, type ShopifyOrderFixture } from './order-fixtures';
export {
  assertLocalTarget,
  type DeliveryResult,
  replayShopifyWebhooks,
  type ReplayOptions,
  SHOPIFY_API_VERSION,
  TargetNotAllowedError,
} from './webhook-replayer';
export { signShopifyWebhook, verifyShopifyWebhook } from './webhook-signature';
