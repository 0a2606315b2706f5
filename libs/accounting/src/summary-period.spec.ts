import { isSummaryPeriodClosed, summaryPeriodOf } from './summary-period';

describe('summaryPeriodOf', () => {
  it('uses the local calendar day', () => {
    // 03:30 UTC on 2 July is 23:30 on 1 July in New York (EDT, UTC-4).
    expect(summaryPeriodOf('2025-07-02T03:30:00Z', 'America/New_York', '00:00')).toBe('2025-07-01');
    expect(summaryPeriodOf('2025-07-02T04:30:00Z', 'America/New_York', '00:00')).toBe('2025-07-02');
  });

  it('puts orders before the cut-off into the previous day', () => {
    expect(summaryPeriodOf('2025-07-02T05:30:00Z', 'UTC', '06:00')).toBe('2025-07-01');
    expect(summaryPeriodOf('2025-07-02T06:00:00Z', 'UTC', '06:00')).toBe('2025-07-02');
  });

  it('crosses a month end', () => {
    expect(summaryPeriodOf('2025-08-01T01:00:00Z', 'UTC', '02:00')).toBe('2025-07-31');
  });

  it('accepts a Date', () => {
    expect(summaryPeriodOf(new Date('2025-07-02T05:30:00Z'), 'UTC', '06:00')).toBe('2025-07-01');
  });

  it('follows daylight saving changes', () => {
    // New York leaves EDT on 2 November 2025 at 02:00 local: midnight of 3 November is 05:00 UTC.
    expect(summaryPeriodOf('2025-11-03T04:59:00Z', 'America/New_York', '00:00')).toBe('2025-11-02');
    expect(summaryPeriodOf('2025-11-03T05:00:00Z', 'America/New_York', '00:00')).toBe('2025-11-03');
  });
});

describe('isSummaryPeriodClosed', () => {
  it('closes at the next local cut-off', () => {
    expect(
      isSummaryPeriodClosed(
        '2025-07-01',
        new Date('2025-07-02T03:59:00Z'),
        'America/New_York',
        '00:00',
      ),
    ).toBe(false);
    expect(
      isSummaryPeriodClosed(
        '2025-07-01',
        new Date('2025-07-02T04:00:00Z'),
        'America/New_York',
        '00:00',
      ),
    ).toBe(true);
  });

  it('closes earlier days', () => {
    expect(
      isSummaryPeriodClosed('2008-01-10', new Date('2025-07-03T00:00:00Z'), 'UTC', '00:00'),
    ).toBe(true);
  });

  it('closes a 25-hour day at local midnight', () => {
    // 2 November 2025 in New York lasts 25 hours: 04:00 UTC on the 2nd to 05:00 UTC on the 3rd.
    expect(
      isSummaryPeriodClosed(
        '2025-11-02',
        new Date('2025-11-03T04:30:00Z'),
        'America/New_York',
        '00:00',
      ),
    ).toBe(false);
    expect(
      isSummaryPeriodClosed(
        '2025-11-02',
        new Date('2025-11-03T05:00:00Z'),
        'America/New_York',
        '00:00',
      ),
    ).toBe(true);
  });

  it('closes a 23-hour day at local midnight', () => {
    // 9 March 2025 in New York lasts 23 hours: 05:00 UTC on the 9th to 04:00 UTC on the 10th.
    expect(
      isSummaryPeriodClosed(
        '2025-03-09',
        new Date('2025-03-10T03:59:00Z'),
        'America/New_York',
        '00:00',
      ),
    ).toBe(false);
    expect(
      isSummaryPeriodClosed(
        '2025-03-09',
        new Date('2025-03-10T04:00:00Z'),
        'America/New_York',
        '00:00',
      ),
    ).toBe(true);
  });
});
