export * from './database';
export * from './database.tokens';
export * from './batch-claim';
