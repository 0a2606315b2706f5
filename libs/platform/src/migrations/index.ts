export * from './migration';
export * from './run-migrate-command';
export * from './run-migrations';
