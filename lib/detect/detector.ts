import type { SeriesModel } from '../baseline/model.js';
import type { Minute } from '../time/minute.js';
import type { SeriesRules } from './rules.js';
import { logLowerTail, logUpperTail } from '../stats/tails.js';

/**
 * The detector: pure functions over one series' per-minute counts and its baseline
 * model. No I/O, no clock — the engine, the CLI and the tests all call these.
 *
 * `counts[i]` is the number of events in minute `from + i`. Minutes not yet closed may
 * still grow (late files) but never shrink, so a spike found on them stays a spike;
 * drops, gaps and ends are decided on closed minutes only (`≤ closedThrough`).
 */
export interface CountSeries {
  counts: ArrayLike<number>;
  from: Minute;
}

/** Unusually many events: the window `[start, end]` where it was found. */
export interface Spike {
  kind: 'spike';
  start: Minute;
  end: Minute;
  window: number;
  observed: number;
  expected: number;
  /** ln of the tail probability of `observed` under the baseline (−∞ … 0). */
  logP: number;
}

/** Regular activity that stopped: no event from `start` through `end`. */
export interface Gap {
  kind: 'drop';
  start: Minute;
  end: Minute;
  expected: number;
  logP: number;
}

export type Anomaly = Spike | Gap;

function prefixSums(values: ArrayLike<number>): Float64Array {
  const sums = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) sums[i + 1] = sums[i]! + values[i]!;
  return sums;
}

function expectedRates(series: CountSeries, model: SeriesModel): Float64Array {
  const rates = new Float64Array(series.counts.length);
  let hourRate = 0;
  for (let i = 0; i < rates.length; i++) {
    const minute = series.from + i;
    if (i === 0 || minute % 60 === 0) hourRate = model.rate(minute);
    rates[i] = hourRate;
  }
  return rates;
}

/**
 * The first spike among windows ending in `[endFrom, endTo]`, over every window length of
 * the rules, dated from where the unusual activity began. A window is unusual when all of
 * these hold (cheapest first):
 * - at least `minCount` events (absolute floor: tiny series stay quiet),
 * - at least `minRatio` × the seasonal expectation,
 * - more than `peakFactor` × the largest burst of that length in the baseline (a
 *   recurring deploy burst is normal however improbable a Poisson model finds it),
 * - a negative-binomial upper-tail probability below the window's α (false-alarm budget).
 * Before the account is mature only bursts of `coldStartMinCount` qualify.
 */
export function findSpike(
  series: CountSeries,
  model: SeriesModel,
  rules: SeriesRules,
  endFrom: Minute,
  endTo: Minute,
): Spike | undefined {
  if (rules.disabled) return undefined;
  const counts = prefixSums(series.counts);
  const expected = prefixSums(expectedRates(series, model));
  const last = series.from + series.counts.length - 1;
  const longest = Math.max(...rules.windows);
  for (let end = Math.max(endFrom, series.from); end <= Math.min(endTo, last); end++) {
    const e = end - series.from + 1;
    let best: Spike | undefined;
    for (const window of rules.windows) {
      if (e - window < 0) continue;
      const observed = counts[e]! - counts[e - window]!;
      if (observed < (rules.mature ? rules.minCount : rules.coldStartMinCount)) continue;
      const mean = expected[e]! - expected[e - window]!;
      if (observed < rules.minRatio * mean) continue;
      if (rules.mature && observed <= rules.peakFactor * model.peak(window)) continue;
      const logP = model.observedHours > 0 ? logUpperTail(observed, mean, model.size(window)) : Number.NEGATIVE_INFINITY;
      if (model.observedHours > 0 && logP > rules.logAlpha(window)) continue;
      if (best === undefined || logP < best.logP) best = { kind: 'spike', start: end, end, window, observed, expected: mean, logP };
    }
    // The first minute at which some window is unusual is when a live detector fires;
    // its most significant window says how fast the unusual activity runs.
    if (best !== undefined) {
      const from = Math.max(0, e - 2 * longest);
      const reference = (best.observed + best.expected) / (2 * best.window);
      best.start = series.from + changePoint(series.counts, from, e - 1, reference);
      return best;
    }
  }
  return undefined;
}

/**
 * Where the unusual activity began in `[a, b]` (indexes, reaching back twice the longest
 * window before the detection): the classic CUSUM change-point estimate — the split
 * after which the counts' excess over a reference rate is largest. The reference is
 * midway between the expected and the observed rate of the detecting window, so
 * background minutes pull the sum down and unusual minutes push it up; a slow elevation
 * is thus dated from its beginning, not from where a window first caught it.
 */
function changePoint(counts: ArrayLike<number>, a: number, b: number, reference: number): number {
  let sum = 0;
  let lowest = 0;
  let at = a;
  for (let i = a; i <= b; i++) {
    sum += counts[i]! - reference;
    if (sum < lowest) {
      lowest = sum;
      at = i + 1;
    }
  }
  // The change point is the first minute of the excess, which has events by construction.
  while (at < b && counts[at] === 0) at++;
  return Math.min(at, b);
}

/**
 * A silence of a regular series that has lasted through `closedThrough`. Regular means
 * active in at least `minActiveHourFraction` of its observed hours; the silence must be
 * longer than `periodsMissed` typical periods, than twice the longest silence in the
 * baseline, and than `minGapMinutes`. Periodic jobs are far more regular than Poisson, so
 * the historical longest silence — not a Poisson tail — is the yardstick; the tail
 * probability is reported for explanation. `lastEventBefore` dates a silence that began
 * before the loaded counts (the engine takes it from the rolled hours' trailing idle).
 */
export function findGap(
  series: CountSeries,
  model: SeriesModel,
  rules: SeriesRules,
  closedThrough: Minute,
  lastEventBefore?: Minute,
): Gap | undefined {
  if (rules.disabled || !rules.gaps.enabled) return undefined;
  if (model.observedHours < rules.gaps.minObservedHours) return undefined;
  if (model.activeHourFraction < rules.gaps.minActiveHourFraction) return undefined;
  const lastIndex = closedThrough - series.from;
  if (lastIndex < 0 || lastIndex >= series.counts.length) return undefined;
  let i = lastIndex;
  while (i >= 0 && series.counts[i] === 0) i--;
  // Silent across the whole loaded range: dated from the last event before it, when known.
  if (i < 0 && (lastEventBefore === undefined || lastEventBefore >= series.from)) return undefined;
  const start = i >= 0 ? series.from + i + 1 : lastEventBefore! + 1;
  const length = closedThrough - start + 1;
  const needed = Math.max(rules.gaps.minGapMinutes, rules.gaps.periodsMissed * model.period, 2 * model.longestIdle);
  if (length < needed) return undefined;
  let expected = 0;
  for (let minute = start; minute <= closedThrough; minute++) expected += model.rate(minute);
  return { kind: 'drop', start, end: closedThrough, expected, logP: logLowerTail(0, expected, model.size(length)) };
}

/**
 * When an open spike insight ended: the first minute `q > start` such that the
 * `endQuietMinutes` closed minutes from `q` are no longer elevated (at most one event, or
 * not unusual at p < 1 %). `undefined` while it goes on. After `maxInsightMinutes` an
 * insight is ended regardless, so a permanent change is reported once and then becomes
 * the new normal.
 */
export function findSpikeEnd(
  series: CountSeries,
  model: SeriesModel,
  rules: SeriesRules,
  start: Minute,
  closedThrough: Minute,
): Minute | undefined {
  const quiet = rules.endQuietMinutes;
  const counts = prefixSums(series.counts);
  const expected = prefixSums(expectedRates(series, model));
  const size = model.size(quiet);
  for (let q = Math.max(start + 1, series.from); q + quiet - 1 <= closedThrough; q++) {
    if (q - start >= rules.maxInsightMinutes) return q;
    const a = q - series.from;
    const b = a + quiet;
    if (b > series.counts.length) break;
    const observed = counts[b]! - counts[a]!;
    if (observed <= 1) return q;
    const mean = expected[b]! - expected[a]!;
    if (logUpperTail(observed, mean, size) > rules.endLogAlpha) return q;
  }
  if (closedThrough - start >= rules.maxInsightMinutes) return start + rules.maxInsightMinutes;
  return undefined;
}

/** When a gap ended: the first closed minute from `start` with an event again. */
export function findGapEnd(series: CountSeries, rules: SeriesRules, start: Minute, closedThrough: Minute): Minute | undefined {
  for (let minute = Math.max(start, series.from); minute <= closedThrough; minute++) {
    const i = minute - series.from;
    if (i >= series.counts.length) break;
    if (series.counts[i]! > 0) return minute;
    if (minute - start >= rules.maxInsightMinutes) return minute;
  }
  return undefined;
}

export interface DetectInput extends CountSeries {
  model: SeriesModel;
  rules: SeriesRules;
  /** Spikes: windows ending in this range are tested (the minutes new data touched). */
  spikeEnds?: { from: Minute; to: Minute };
  /** Gaps: minutes up to here are final, so a silence ending here may be judged. */
  closedThrough?: Minute;
  /** The series' last event before `from`, for a silence longer than the counts. */
  lastEventBefore?: Minute;
}

/**
 * Everything unusual in one series: the first spike among the windows ending in
 * `spikeEnds`, and a gap ending at `closedThrough`. The engine calls the parts where it
 * needs them (spikes at ingest, gaps and ends on the schedule); this is the offline entry
 * point for tools and tests.
 *
 * @example
 * const model = new SeriesModel(baseline, { observedFrom, lastRolledHour, baselineDays: 7 });
 * const anomalies = detectAnomalies({ counts, from, model, rules, spikeEnds: { from, to: from + counts.length - 1 } });
 */
export function detectAnomalies(input: DetectInput): Anomaly[] {
  const anomalies: Anomaly[] = [];
  if (input.spikeEnds) {
    const spike = findSpike(input, input.model, input.rules, input.spikeEnds.from, input.spikeEnds.to);
    if (spike) anomalies.push(spike);
  }
  if (input.closedThrough !== undefined) {
    const gap = findGap(input, input.model, input.rules, input.closedThrough, input.lastEventBefore);
    if (gap) anomalies.push(gap);
  }
  return anomalies;
}
