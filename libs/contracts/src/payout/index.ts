export * from './payout.schema';
