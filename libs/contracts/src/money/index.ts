export * from './currency';
export * from './decimal';
