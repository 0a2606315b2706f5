export * from './parse-body';
