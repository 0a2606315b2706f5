import { type BenchmarkRecord, type ChannelRegistration } from '../channel/channel-adapter';
import { orderBenchmarkRecords } from '../channel-support/benchmark-records';
import { type FixtureJson, readJsonFixture } from '../channel-support/fixture-files';
import { ebayAdapter, type EbayCredentials } from './ebay.adapter';
import { normaliseEbayOrder } from './ebay.normaliser';

/** Builds benchmark records from the getOrders fixtures (US dollars and euros), as a poll reads them. */
export function ebayBenchmarkRecords(): BenchmarkRecord[] {
  const orders = ['ebay/get-orders.json', 'ebay/get-orders-eur.json'].flatMap(
    (file) => (readJsonFixture(file) as FixtureJson).orders as FixtureJson[],
  );

  return orderBenchmarkRecords(
    orders.map((order) => ({ name: `ebay order ${order.orderId}`, payload: order })),
    normaliseEbayOrder,
  );
}

/** eBay's Sell APIs send no order webhooks, so the benchmark measures the polled normaliser only. */
export const ebayRegistration: ChannelRegistration<EbayCredentials> = {
  adapter: ebayAdapter,
  benchmarkRecords: ebayBenchmarkRecords,
};
