export * from './bigcommerce-order.normaliser';
export * from './bigcommerce-refund.normaliser';
export * from './bigcommerce.adapter';
export * from './bigcommerce.registration';
