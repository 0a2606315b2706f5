import { isSummaryDayClosed, summaryDayOf } from './summary-day';

describe('summaryDayOf', () => {
  it('takes the date in the time zone', () => {
    expect(summaryDayOf('2025-07-03T02:00:00Z', 'America/New_York', '00:00')).toBe('2025-07-02');
  });

  it('puts an order before the cut-off into the day before', () => {
    expect(summaryDayOf('2025-07-03T05:30:00-04:00', 'America/New_York', '06:00')).toBe(
      '2025-07-02',
    );
  });

  it('keeps an order at the cut-off in its day', () => {
    expect(summaryDayOf('2025-07-03T06:00:00-04:00', 'America/New_York', '06:00')).toBe(
      '2025-07-03',
    );
  });

  it('crosses a month end', () => {
    expect(summaryDayOf('2025-08-01T01:00:00Z', 'UTC', '02:00')).toBe('2025-07-31');
  });
});

describe('isSummaryDayClosed', () => {
  it('keeps the day open until the next cut-off', () => {
    expect(isSummaryDayClosed('2025-07-02', new Date('2025-07-03T05:59:00Z'), 'UTC', '06:00')).toBe(
      false,
    );
  });

  it('closes the day at the next cut-off', () => {
    expect(isSummaryDayClosed('2025-07-02', new Date('2025-07-03T06:00:00Z'), 'UTC', '06:00')).toBe(
      true,
    );
  });

  it('closes earlier days', () => {
    expect(isSummaryDayClosed('2008-01-10', new Date('2025-07-03T00:00:00Z'), 'UTC', '00:00')).toBe(
      true,
    );
  });

  it('reads the time in the time zone', () => {
    expect(
      isSummaryDayClosed(
        '2025-07-02',
        new Date('2025-07-03T02:00:00Z'),
        'America/New_York',
        '00:00',
      ),
    ).toBe(false);
  });
});
