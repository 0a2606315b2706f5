export * from './refund.schema';
