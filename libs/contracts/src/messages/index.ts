export * from './company-lists.schema';
export * from './connections.schema';
export * from './order-ready.schema';
export * from './posting-overrides.schema';
export * from './qbd-connection.schema';
export * from './qbo-posting-settings.schema';
export * from './sync-event.schema';
export * from './channel-connections.schema';
