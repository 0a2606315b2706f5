import { type BenchmarkRecord, type ChannelRegistration } from '../channel/channel-adapter';
import { orderBenchmarkRecords } from '../channel-support/benchmark-records';
import { type FixtureJson, readJsonFixture } from '../channel-support/fixture-files';
import { normaliseAmazonOrder } from './amazon-order.normaliser';
import { amazonAdapter } from './amazon.adapter';
import { type AmazonCredentials } from './amazon.credentials';

/**
 * Builds benchmark records as a poll reads orders: a getOrder payload with its getOrderItems, from
 * the SP-API sandbox response and the hand-written fixture.
 */
export function amazonBenchmarkRecords(): BenchmarkRecord[] {
  const payloadOf = (file: string): FixtureJson =>
    (readJsonFixture(`amazon/${file}`) as FixtureJson).payload as FixtureJson;

  return orderBenchmarkRecords(
    [
      {
        name: 'amazon orders-v0.getOrder.sandbox-1',
        payload: {
          order: payloadOf('orders-v0.getOrder.sandbox-1.json'),
          items: payloadOf('orders-v0.getOrderItems.sandbox-1.json').OrderItems,
        },
      },
      {
        name: 'amazon hand-written.getOrder',
        payload: {
          order: payloadOf('hand-written.getOrder.json'),
          items: payloadOf('hand-written.getOrderItems.json').OrderItems,
        },
      },
    ],
    normaliseAmazonOrder,
  );
}

/** Amazon has no order webhooks, so the benchmark measures the polled order normaliser only. */
export const amazonRegistration: ChannelRegistration<AmazonCredentials> = {
  adapter: amazonAdapter,
  benchmarkRecords: amazonBenchmarkRecords,
};
