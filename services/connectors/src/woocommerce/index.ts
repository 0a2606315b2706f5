export * from './woocommerce-order.normaliser';
export * from './woocommerce-refund.normaliser';
export * from './woocommerce-signature';
export * from './woocommerce.adapter';
export * from './woocommerce.registration';
