export * from './inventory';
export * from './messages';
export * from './money';
export * from './order';
export * from './payout';
export * from './refund';
export * from './subjects';
export * from './validation';
