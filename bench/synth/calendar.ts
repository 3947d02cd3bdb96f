/**
 * The daily and weekly rhythms the background follows. Everything is a pure function of
 * an epoch-millisecond time and the account's UTC offset, so behaviours can be sampled
 * minute by minute without state.
 */

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

/** Hours since local midnight, fractional. */
export function localHour(ms: number, tzHours: number): number {
  const local = ms + tzHours * MS_PER_HOUR;
  return (((local % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) / MS_PER_HOUR;
}

/** 0 = Sunday, in the account's local time. */
export function localWeekday(ms: number, tzHours: number): number {
  const day = Math.floor((ms + tzHours * MS_PER_HOUR) / MS_PER_DAY);
  return (((day + 4) % 7) + 7) % 7;
}

export function isWeekend(ms: number, tzHours: number): boolean {
  const d = localWeekday(ms, tzHours);
  return d === 0 || d === 6;
}

/** UTC midnight of the day holding `ms`. */
export const utcDayStart = (ms: number): number => Math.floor(ms / MS_PER_DAY) * MS_PER_DAY;

/** Linear ramp from 0 at `a` to 1 at `b`. */
const ramp = (x: number, a: number, b: number): number => Math.min(1, Math.max(0, (x - a) / (b - a)));

/**
 * Share of people at work, 0..1: office hours 09:30-17:00 local with ramps either side
 * and a lunch dip; weekends keep a little on-call activity.
 */
export function business(ms: number, tzHours: number): number {
  const h = localHour(ms, tzHours);
  const day = ramp(h, 7.5, 9.5) * (1 - ramp(h, 17, 19.5));
  const lunch = h >= 12 && h < 13 ? 0.8 : 1;
  if (isWeekend(ms, tzHours)) return 0.02 + 0.08 * day;
  return 0.03 + 0.97 * day * lunch;
}

/**
 * Customer traffic, 0..1: a smooth daily wave peaking mid-afternoon local time with a
 * night trough at about a third of the peak, a quarter lower at weekends.
 */
export function load(ms: number, tzHours: number): number {
  const h = localHour(ms, tzHours);
  const wave = 0.5 - 0.5 * Math.cos((2 * Math.PI * (h - 4)) / 24);
  const weekday = isWeekend(ms, tzHours) ? 0.75 : 1;
  return weekday * (0.33 + 0.67 * wave);
}

export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** `Jul 10, 2023, 12:55:24 PM`: the date style some services put in responseElements. */
export function awsLongDate(ms: number): string {
  const d = new Date(ms);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const h = d.getUTCHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${months[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}
