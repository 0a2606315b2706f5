export * from './messages';
export * from './money';
export * from './order';
export * from './subjects';
export * from './validation';
