export * from './inventory.schema';
