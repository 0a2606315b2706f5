export * from './accounting.errors';
export * from './allocation';
export * from './document-fields';
export * from './order-totals';
export * from './plan-customer';
export * from './posting-plan';
export * from './posting-plan.types';
