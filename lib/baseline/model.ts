import { POISSON_SIZE } from '../stats/tails.js';
import { HOURS_PER_DAY, MINUTES_PER_HOUR, hourOf, weekdayOf, type Hour, type Minute } from '../time/minute.js';
import type { HourStats, SeriesBaseline } from './types.js';

export interface ModelContext {
  /** First minute of observation: the series' account-region, or account for multi-region trails. */
  observedFrom: Minute;
  /** Last hour rolled into the baseline; undefined when none has closed yet. */
  lastRolledHour: Hour | undefined;
  baselineDays: number;
}

/**
 * Pseudo-count, in hours, that pulls each hour-of-day rate towards the series' flat
 * rate: with 7 days there are only 7 samples per hour of the day, and a single busy
 * hour should not define "normal" for that hour forever.
 */
const HOUR_OF_DAY_PRIOR_HOURS = 2;
/** The same for weekday/weekend rates, in hours (one day). */
const DAY_TYPE_PRIOR_HOURS = 24;
/**
 * A never-seen series is given half an event over the whole observed window (Jeffreys'
 * prior for a Poisson rate): never zero, so a first burst has a finite, tiny p-value.
 */
const UNSEEN_EVENTS = 0.5;
/** Lower bound on the dispersion size: below it tails are so heavy nothing is ever unusual. */
const MIN_SIZE = 0.05;
/** Night-time rates never drop below this share of the flat rate (timezone drift, rare jobs). */
const MIN_SEASONAL_SHARE = 0.1;

const EMPTY: HourStats = {
  count: 0, sumSquares: 0, peak1: 0, peak5: 0, peak15: 0, activeMinutes: 0, leadingIdle: 60, trailingIdle: 60, longestIdle: 60,
};

/** An hour-of-day profile smoothed with both neighbours (weights ¼ ½ ¼). */
const around = (array: Float64Array, h: number): number => 0.25 * array[(h + 23) % 24]! + 0.5 * array[h]! + 0.25 * array[(h + 1) % 24]!;

const isWeekend = (hour: Hour): boolean => {
  const weekday = weekdayOf(hour * MINUTES_PER_HOUR);
  return weekday === 0 || weekday === 6;
};

/**
 * The closed, observed hours a baseline covers: from the later of the first whole hour
 * observed and AWS's window start — 00:00 UTC `baselineDays` days before the current day,
 * so last week's same weekday is always whole inside it (a rolling 168 hours cuts it in
 * two) — through the last rolled hour. The same for every series of an account-region.
 */
export function observedWindow(context: ModelContext): { first: Hour; hours: number } {
  const last = context.lastRolledHour;
  const firstFull = hourOf(context.observedFrom) + (context.observedFrom % 60 === 0 ? 0 : 1);
  const windowStart = last === undefined ? firstFull : (Math.floor((last + 1) / HOURS_PER_DAY) - context.baselineDays) * HOURS_PER_DAY;
  const first = Math.max(firstFull, windowStart);
  return { first, hours: last === undefined ? 0 : Math.max(0, last - first + 1) };
}

/**
 * What "normal" looks like for one series, derived from its rolling baseline:
 * a seasonal per-minute rate (hour of day × weekday/weekend), a negative-binomial
 * dispersion measured at minute and hour scale, the largest bursts seen at 1/5/15/60
 * minutes, and how regular the series is (active hours, typical period, longest silence).
 */
export class SeriesModel {
  /** Closed, observed hours in the baseline window. */
  readonly observedHours: number;
  readonly total: number;
  readonly activeHours: number;
  /** Flat rate, events per minute. */
  readonly flatRate: number;
  /** Longest run of zero minutes in the observed window, not counting a run still going at its end. */
  readonly longestIdle: number;
  /** Typical minutes between events of a regular series (median over active hours). */
  readonly period: number;
  private readonly hourOfDayRate: Float64Array;
  private readonly dayTypeFactor: [weekday: number, weekend: number];
  private readonly peaks: [number, number, number, number];
  private readonly minuteSize: number;
  private readonly hourSize: number;

  constructor(baseline: SeriesBaseline | undefined, context: ModelContext) {
    const { first, hours: n } = observedWindow(context);
    this.observedHours = n;

    const stats: HourStats[] = new Array<HourStats>(n).fill(EMPTY);
    for (const [hour, hourStats] of baseline?.hours ?? []) {
      if (hour >= first && hour < first + n) stats[hour - first] = hourStats;
    }

    let total = 0;
    let activeHours = 0;
    const byHourOfDay = new Float64Array(24);
    const hoursOfDay = new Float64Array(24);
    const byDayType = [0, 0];
    const hoursOfDayType = [0, 0];
    for (let i = 0; i < n; i++) {
      const hour = first + i;
      const count = stats[i]!.count;
      total += count;
      if (count > 0) activeHours += 1;
      byHourOfDay[hour % 24]! += count;
      hoursOfDay[hour % 24]! += 1;
      const type = isWeekend(hour) ? 1 : 0;
      byDayType[type]! += count;
      hoursOfDayType[type]! += 1;
    }
    this.total = total;
    this.activeHours = activeHours;
    const flat = n > 0 ? (total + UNSEEN_EVENTS) / (60 * n) : 0;
    this.flatRate = flat;
    // The prior's half event is spread over every observed hour, so the profiles of a
    // never-seen series are exactly its flat rate rather than zero.
    if (n > 0) {
      const share = UNSEEN_EVENTS / n;
      for (let h = 0; h < 24; h++) byHourOfDay[h]! += share * hoursOfDay[h]!;
      byDayType[0]! += share * hoursOfDayType[0]!;
      byDayType[1]! += share * hoursOfDayType[1]!;
    }

    // Hour-of-day rates, smoothed with both neighbours and shrunk towards the flat rate.
    this.hourOfDayRate = new Float64Array(24);
    for (let h = 0; h < 24; h++) {
      const events = around(byHourOfDay, h) + HOUR_OF_DAY_PRIOR_HOURS * 60 * flat;
      const hours = around(hoursOfDay, h) + HOUR_OF_DAY_PRIOR_HOURS;
      this.hourOfDayRate[h] = events / (60 * hours);
    }
    const dayTypeRate = (type: 0 | 1) =>
      (byDayType[type]! + DAY_TYPE_PRIOR_HOURS * 60 * flat) / (60 * (hoursOfDayType[type]! + DAY_TYPE_PRIOR_HOURS));
    this.dayTypeFactor = flat > 0 ? [dayTypeRate(0) / flat, dayTypeRate(1) / flat] : [1, 1];

    // Dispersion. Minute scale: variance of minutes around their own hour's mean, pooled
    // (NegBin: Var = m + m²/r, so r = Σm² / Σ(Var − m)). Hour scale: hours around the
    // seasonal expectation, so the daily cycle itself is not mistaken for noise.
    let withinExcess = 0;
    let meanSquares = 0;
    let hourExcess = 0;
    let expectedSquares = 0;
    for (let i = 0; i < n; i++) {
      const s = stats[i]!;
      const m = s.count / 60;
      withinExcess += s.sumSquares - (s.count * s.count) / 60 - s.count;
      meanSquares += 60 * m * m;
      const expected = 60 * this.rateAtHour(first + i);
      const residual = s.count - expected;
      hourExcess += residual * residual - expected;
      expectedSquares += expected * expected;
    }
    const sizeOf = (squares: number, excess: number) =>
      excess > 0 ? Math.min(POISSON_SIZE, Math.max(MIN_SIZE, squares / excess)) : POISSON_SIZE;
    this.minuteSize = sizeOf(meanSquares, withinExcess);
    this.hourSize = sizeOf(expectedSquares, hourExcess);

    const peaks: [number, number, number, number] = [0, 0, 0, 0];
    let longestIdle = 0;
    let run = 0;
    const activePeriods: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = stats[i]!;
      peaks[0] = Math.max(peaks[0], s.peak1);
      peaks[1] = Math.max(peaks[1], s.peak5);
      peaks[2] = Math.max(peaks[2], s.peak15);
      peaks[3] = Math.max(peaks[3], s.count);
      if (s.count === 0) {
        run += 60;
      } else {
        longestIdle = Math.max(longestIdle, run + s.leadingIdle, s.longestIdle);
        run = s.trailingIdle;
        activePeriods.push(60 / s.activeMinutes);
      }
    }
    this.peaks = peaks;
    this.longestIdle = longestIdle;
    const latest = baseline?.hours.at(-1);
    this.lastEvent = latest === undefined ? undefined : latest[0] * 60 + 59 - latest[1].trailingIdle;
    // A typed array sorts numbers without a comparator call per comparison.
    const periods = Float64Array.from(activePeriods).sort();
    this.period = periods.length > 0 ? periods[Math.floor(periods.length / 2)]! : 60;
  }

  /** The last minute with an event in the baseline's hours (from the last active hour's trailing idle). */
  readonly lastEvent: Minute | undefined;

  /** Share of observed hours with at least one event. */
  get activeHourFraction(): number {
    return this.observedHours > 0 ? this.activeHours / this.observedHours : 0;
  }

  /** Expected events per minute during `minute`. */
  rate(minute: Minute): number {
    return this.rateAtHour(hourOf(minute));
  }

  private rateAtHour(hour: Hour): number {
    if (this.flatRate === 0) return 0;
    const seasonal = this.hourOfDayRate[hour % 24]! * this.dayTypeFactor[isWeekend(hour) ? 1 : 0];
    return Math.max(seasonal, MIN_SEASONAL_SHARE * this.flatRate);
  }

  /**
   * Negative-binomial size for a sum over `window` minutes: the sum of w minutes of size
   * r has size w·r if minutes were independent; bursts make neighbouring minutes
   * correlated, which the hour-scale estimate captures, so the smaller (heavier-tailed) wins.
   */
  size(window: number): number {
    return Math.max(MIN_SIZE, Math.min(POISSON_SIZE, this.minuteSize * window, this.hourSize));
  }

  /** Largest sum seen in a window of `window` minutes (using the next measured length up). */
  peak(window: number): number {
    if (window <= 1) return this.peaks[0];
    if (window <= 5) return this.peaks[1];
    if (window <= 15) return this.peaks[2];
    if (window <= 60) return this.peaks[3];
    return this.peaks[3] * Math.ceil(window / 60);
  }
}
