export * from './inventory.schema';
export * from './inventory-adjustment.schema';
