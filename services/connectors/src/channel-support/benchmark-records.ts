import { type BenchmarkRecord } from '../channel/channel-adapter';
import { type ChannelNormaliseContext } from './channel-payload';

/** The context every benchmark record is normalised with: a scheduled poll of one connection. */
export const BENCHMARK_POLL_CONTEXT: ChannelNormaliseContext = {
  accountId: 'bench-account',
  connectionId: 'bench-connection',
  receivedAt: '2026-01-01T00:00:00.000Z',
  sourceKind: 'poll',
};

/**
 * Builds one benchmark record per payload. Each payload is stored as JSON text and parsed on every
 * call, because the framework's HTTP client parses each API response before the adapter
 * normalises it, and the webhook rows of the benchmark count their parse too.
 */
export function orderBenchmarkRecords(
  entries: readonly { name: string; payload: unknown }[],
  normaliseOrder: (payload: unknown, context: ChannelNormaliseContext) => unknown,
): BenchmarkRecord[] {
  return entries.map(({ name, payload }) => {
    const body = JSON.stringify(payload);

    return {
      name,
      normalise: () => {
        normaliseOrder(JSON.parse(body) as unknown, BENCHMARK_POLL_CONTEXT);

        return 1;
      },
    };
  });
}
