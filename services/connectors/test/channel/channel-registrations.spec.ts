import { CHANNELS } from '@qbsync/contracts';

import { CHANNEL_REGISTRATIONS } from '../../src/channel-registrations';

/**
 * scripts/bench-connectors.js measures every registration through its benchmark samples and
 * records, so a channel that offers neither would drop out of the benchmark unnoticed.
 */
describe('CHANNEL_REGISTRATIONS', () => {
  it.each(CHANNELS)('registers channel %s', (channel) => {
    expect(CHANNEL_REGISTRATIONS[channel]).toBeDefined();
  });

  it.each(Object.entries(CHANNEL_REGISTRATIONS))(
    'gives %s a benchmark sample or record',
    (_channel, registration) => {
      const samples = registration?.benchmarkSamples?.() ?? [];
      const records = registration?.benchmarkRecords?.() ?? [];

      expect(samples.length + records.length).toBeGreaterThan(0);
    },
  );

  const records = Object.entries(CHANNEL_REGISTRATIONS).flatMap(([channel, registration]) =>
    (registration?.benchmarkRecords?.() ?? []).map((record) => [channel, record.name, record]),
  );

  it.each(records as [string, string, { normalise(): number }][])(
    'normalises %s record "%s" to one order',
    (_channel, _name, record) => {
      expect(record.normalise()).toBe(1);
    },
  );

  it.each(['bigcommerce', 'square', 'amazon', 'ebay', 'etsy', 'walmart'] as const)(
    'gives %s benchmark records',
    (channel) => {
      expect(CHANNEL_REGISTRATIONS[channel]?.benchmarkRecords?.().length).toBeGreaterThan(0);
    },
  );
});
