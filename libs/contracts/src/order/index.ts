export * from './order.schema';
