export * from './company-lists.schema';
export * from './connections.schema';
export * from './order-ready.schema';
export * from './posting-overrides.schema';
export * from './sync-event.schema';
