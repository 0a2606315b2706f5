/** A moment as the calendar shows it in one time zone: date YYYY-MM-DD and time HH:MM. */
interface LocalTime {
  date: string;
  time: string;
}

/**
 * Returns the summary day of an order placed at `timestamp`: its calendar date in `timeZone`, or
 * the day before when it was placed before the daily cut-off (HH:MM). So a 06:00 cut-off puts an
 * order of 05:30 into the previous day's summary.
 */
export function summaryDayOf(timestamp: string, timeZone: string, cutOff: string): string {
  const local = toLocal(new Date(timestamp), timeZone);

  return local.time < cutOff ? addDays(local.date, -1) : local.date;
}

/** Returns whether the summary `day` has ended at `now`: the next day's cut-off has passed. */
export function isSummaryDayClosed(
  day: string,
  now: Date,
  timeZone: string,
  cutOff: string,
): boolean {
  const local = toLocal(now, timeZone);
  const closesOn = addDays(day, 1);

  return local.date > closesOn || (local.date === closesOn && local.time >= cutOff);
}

function toLocal(instant: Date, timeZone: string): LocalTime {
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
