export * from './channel-http';
export * from './channel-money';
export * from './channel-payload';
export * from './channel-inventory';
export * from './zip-archive';
