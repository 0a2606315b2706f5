export * from './etsy.adapter';
export * from './etsy.normaliser';
export * from './etsy.registration';
