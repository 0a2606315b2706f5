export * from './shopify-money';
export * from './shopify-order.normaliser';
export * from './shopify-order.schema';
export * from './shopify-payout.normaliser';
export * from './shopify-refund.normaliser';
export * from './shopify.adapter';
export * from './shopify.errors';
