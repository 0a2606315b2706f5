/**
 * Daily summary periods in a store's time zone. A period is the local calendar day that starts at
 * the cut-off (HH:MM) and ends at the next day's cut-off. Local times come from `Intl`, so a
 * period across a daylight saving change lasts 23 or 25 hours and still closes at the local
 * cut-off.
 */

/** A moment as the calendar shows it in one time zone: date YYYY-MM-DD and time HH:MM. */
interface LocalTime {
  date: string;
  time: string;
}

/**
 * Returns the summary day (YYYY-MM-DD) of an order placed at `timestamp`: its calendar date in
 * `timeZone`, or the day before when it was placed before the cut-off. So with a 06:00 cut-off an
 * order of 05:30 belongs to the previous day.
 */
export function summaryPeriodOf(
  timestamp: string | Date,
  timeZone: string,
  cutOff: string,
): string {
  const local = toLocalTime(new Date(timestamp), timeZone);

  return local.time < cutOff ? addDays(local.date, -1) : local.date;
}

/** Returns whether the summary day `day` has ended at `now`: the next day's cut-off has passed. */
export function isSummaryPeriodClosed(
  day: string,
  now: Date,
  timeZone: string,
  cutOff: string,
): boolean {
  const local = toLocalTime(now, timeZone);
  const closesOn = addDays(day, 1);

  return local.date > closesOn || (local.date === closesOn && local.time >= cutOff);
}

function toLocalTime(instant: Date, timeZone: string): LocalTime {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );

  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}`,
  };
}

function addDays(date: string, days: number): string {
  const instant = new Date(`${date}T12:00:00Z`);

  instant.setUTCDate(instant.getUTCDate() + days);

  return instant.toISOString().slice(0, 10);
}
