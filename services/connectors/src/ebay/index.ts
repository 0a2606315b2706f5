export * from './ebay.adapter';
export * from './ebay.normaliser';
export * from './ebay.registration';
