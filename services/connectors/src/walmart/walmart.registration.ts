import { type BenchmarkRecord, type ChannelRegistration } from '../channel/channel-adapter';
import { orderBenchmarkRecords } from '../channel-support/benchmark-records';
import { type FixtureJson, readJsonFixture } from '../channel-support/fixture-files';
import { walmartAdapter, type WalmartCredentials } from './walmart.adapter';
import { normaliseWalmartOrder } from './walmart.normaliser';

/** Builds benchmark records from the Orders API fixtures, with and without a refund. */
export function walmartBenchmarkRecords(): BenchmarkRecord[] {
  const orders = ['walmart/get-orders.json', 'walmart/get-orders-refunded.json'].flatMap(
    (file) => (readJsonFixture(file) as FixtureJson).list.elements.order as FixtureJson[],
  );

  return orderBenchmarkRecords(
    orders.map((order) => ({ name: `walmart order ${order.purchaseOrderId}`, payload: order })),
    normaliseWalmartOrder,
  );
}

/** The connector polls Walmart, so the benchmark measures the polled order normaliser only. */
export const walmartRegistration: ChannelRegistration<WalmartCredentials> = {
  adapter: walmartAdapter,
  benchmarkRecords: walmartBenchmarkRecords,
};
