export * from './square-finance.normaliser';
export * from './square-order.normaliser';
export * from './square-signature';
export * from './square.adapter';
export * from './square.registration';
