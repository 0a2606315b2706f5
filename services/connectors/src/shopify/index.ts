export * from './shopify-money';
export * from './shopify-order.normaliser';
export * from './shopify-order.schema';
export * from './shopify.errors';
