import { type BenchmarkRecord, type ChannelRegistration } from '../channel/channel-adapter';
import { orderBenchmarkRecords } from '../channel-support/benchmark-records';
import { type FixtureJson, readJsonFixture } from '../channel-support/fixture-files';
import { etsyAdapter, type EtsyCredentials } from './etsy.adapter';
import { normaliseEtsyReceipt } from './etsy.normaliser';

/** Builds benchmark records from the getShopReceipts fixture, as a poll reads them. */
export function etsyBenchmarkRecords(): BenchmarkRecord[] {
  const receipts = (readJsonFixture('etsy/get-shop-receipts.json') as FixtureJson)
    .results as FixtureJson[];

  return orderBenchmarkRecords(
    receipts.map((receipt) => ({ name: `etsy receipt ${receipt.receipt_id}`, payload: receipt })),
    normaliseEtsyReceipt,
  );
}

/** Etsy Open API v3 sends no order webhooks, so the benchmark measures the polled normaliser only. */
export const etsyRegistration: ChannelRegistration<EtsyCredentials> = {
  adapter: etsyAdapter,
  benchmarkRecords: etsyBenchmarkRecords,
};
