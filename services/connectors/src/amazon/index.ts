export * from './amazon-finance.normaliser';
export * from './amazon-order.normaliser';
export * from './amazon-settlement.parser';
export * from './amazon.adapter';
export * from './amazon.credentials';
export * from './amazon.registration';
