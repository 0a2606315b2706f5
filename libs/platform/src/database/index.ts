export * from './database';
export * from './database.tokens';
