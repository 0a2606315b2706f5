/**
 * Timestamps in the form QuickBooks Online writes them: local time of the company's zone with a
 * numeric offset, for example `2026-07-01T09:17:31-07:00`. Sandbox companies use US Pacific time,
 * like Intuit's sandbox companies.
 */
const COMPANY_TIME_ZONE = 'America/Los_Angeles';

const partsFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: COMPANY_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'longOffset',
});

interface LocalParts {
  date: string;
  time: string;
  offset: string;
}

function localParts(instant: Date): LocalParts {
  const parts: Record<string, string> = {};

  for (const part of partsFormat.formatToParts(instant)) {
    parts[part.type] = part.value;
  }

  // longOffset renders as "GMT-07:00", or plain "GMT" when the offset is zero.
  const offset = parts.timeZoneName === 'GMT' ? '+00:00' : parts.timeZoneName.replace('GMT', '');

  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}:${parts.second}`,
    offset,
  };
}

/** Formats an entity timestamp such as `MetaData.CreateTime`, without milliseconds. */
export function formatQboDateTime(instant: Date): string {
  const { date, time, offset } = localParts(instant);

  return `${date}T${time}${offset}`;
}

/** Formats the `time` field of a response envelope, with milliseconds. */
export function formatQboResponseTime(instant: Date): string {
  const { date, time, offset } = localParts(instant);
  const millis = String(instant.getUTCMilliseconds()).padStart(3, '0');

  return `${date}T${time}.${millis}${offset}`;
}

/** Returns the company's calendar date (`YYYY-MM-DD`), the default `TxnDate` of a transaction. */
export function formatQboDate(instant: Date): string {
  return localParts(instant).date;
}
