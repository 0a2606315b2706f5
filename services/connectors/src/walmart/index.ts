export * from './walmart.adapter';
export * from './walmart.normaliser';
export * from './walmart.registration';
