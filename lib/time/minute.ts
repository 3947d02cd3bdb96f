/**
 * Time in the engine is counted in whole UTC minutes since the Unix epoch: CloudTrail
 * Insights are minute-aligned and every count is per minute, so an integer is both the
 * key and the arithmetic.
 */
export type Minute = number;
/** Whole UTC hours since the epoch (`Math.floor(minute / 60)`). */
export type Hour = number;

export const MINUTES_PER_HOUR = 60;
export const MINUTES_PER_DAY = 1440;
export const HOURS_PER_DAY = 24;

/** The minute holding an ISO-8601 timestamp, or `undefined` when it is not one. */
export function minuteOf(timestamp: string): Minute | undefined {
  const ms = Date.parse(timestamp);
  return Number.isFinite(ms) ? Math.floor(ms / 60_000) : undefined;
}

export function minuteFromDate(date: Date): Minute {
  return Math.floor(date.getTime() / 60_000);
}

/** `YYYY-MM-DDTHH:MM:00Z`, the minute-aligned form AWS uses for Insights `eventTime`. */
export function minuteToIso(minute: Minute): string {
  return new Date(minute * 60_000).toISOString().slice(0, 17) + '00Z';
}

/** `YYYYMMDDTHHmmZ`, the stamp CloudTrail puts in log file names. */
export function minuteToStamp(minute: Minute): string {
  const iso = new Date(minute * 60_000).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
}

/** Parses a `YYYYMMDDTHHmmZ` file-name stamp. */
export function stampToMinute(stamp: string): Minute | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z$/.exec(stamp);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  return Number.isFinite(ms) ? ms / 60_000 : undefined;
}

/** `YYYY/MM/DD`, the date folders of the CloudTrail key layout. */
export function minuteToDatePath(minute: Minute): string {
  const iso = new Date(minute * 60_000).toISOString();
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`;
}

export const hourOf = (minute: Minute): Hour => Math.floor(minute / MINUTES_PER_HOUR);
export const dayOf = (minute: Minute): number => Math.floor(minute / MINUTES_PER_DAY);
/** 0 = Sunday, as `Date.getUTCDay()`; 1970-01-01 was a Thursday. */
export const weekdayOf = (minute: Minute): number => (dayOf(minute) + 4) % 7;
