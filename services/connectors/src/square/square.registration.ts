import { type BenchmarkSample, type ChannelRegistration } from '../channel/channel-adapter';
import { readJsonFixture } from '../channel-support/fixture-files';
import { signSquareWebhook } from './square-signature';
import { squareAdapter, type SquareCredentials } from './square.adapter';

const BENCHMARK_CREDENTIALS: SquareCredentials = {
  accessToken: 'benchmark-access-token',
  merchantId: '6SSW7HV8K2ST5',
  locationIds: [],
  webhookSignatureKey: 'benchmark-signature-key',
  notificationUrl: 'https://connectors.example.com/webhooks/square',
};

/** Signed Square refund, payout and order events from the hand-written fixtures. */
export function squareBenchmarkSamples(): BenchmarkSample<SquareCredentials>[] {
  return ['webhook-refund-updated', 'webhook-payout-paid', 'webhook-order-updated'].map((name) => {
    const rawBody = Buffer.from(JSON.stringify(readJsonFixture(`square/${name}.json`)));

    return {
      name: `square ${name}`,
      credentials: BENCHMARK_CREDENTIALS,
      delivery: {
        rawBody,
        receivedAt: '2026-01-01T00:00:00.000Z',
        headers: {
          'x-square-hmacsha256-signature': signSquareWebhook(
            BENCHMARK_CREDENTIALS.notificationUrl,
            rawBody,
            BENCHMARK_CREDENTIALS.webhookSignatureKey,
          ),
        },
      },
    };
  });
}

export const squareRegistration: ChannelRegistration<SquareCredentials> = {
  adapter: squareAdapter,
  benchmarkSamples: squareBenchmarkSamples,
};
