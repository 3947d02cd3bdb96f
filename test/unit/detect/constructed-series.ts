import { mulberry32 } from '../../support/random.js';
import { hourStatsOf } from '../../../lib/baseline/hour-stats.js';
import { SeriesModel } from '../../../lib/baseline/model.js';
import type { SeriesBaseline } from '../../../lib/baseline/types.js';
import { DEFAULT_DETECTOR_CONFIG, parseDetectorConfig } from '../../../lib/config/detector-config.js';
import { compileOverrides, rulesFor, type SeriesRules } from '../../../lib/detect/rules.js';
import type { Series } from '../../../lib/series/series.js';
import type { Minute } from '../../../lib/time/minute.js';

/** Seeded, so constructed series are the same on every run. */
export const random = mulberry32;

/** A Poisson draw by inversion (fine for the small means used here). */
export function poisson(rand: () => number, mean: number): number {
  let k = 0;
  let p = Math.exp(-mean);
  let sum = p;
  const u = rand();
  while (u > sum && k < 10_000) {
    k += 1;
    p *= mean / k;
    sum += p;
  }
  return k;
}

/** 2024-01-01T00:00Z (a Monday), a clean origin for constructed weeks. */
export const ORIGIN: Minute = Date.UTC(2024, 0, 1) / 60_000;
export const DAY = 1440;

/** Per-minute counts for `minutes` minutes from ORIGIN, from a rate function. */
export function counts(minutes: number, countAt: (minute: Minute) => number): Float64Array {
  const array = new Float64Array(minutes);
  for (let i = 0; i < minutes; i++) array[i] = countAt(ORIGIN + i);
  return array;
}

/** The baseline and model that closing every full hour of `history` would give. */
export function modelOf(history: Float64Array, baselineDays = 7): { baseline: SeriesBaseline; model: SeriesModel } {
  const hours = Math.floor(history.length / 60);
  const baseline: SeriesBaseline = { id: 'c|test.amazonaws.com|Test', hours: [] };
  for (let h = 0; h < hours; h++) {
    const stats = hourStatsOf(history.subarray(h * 60, h * 60 + 60));
    if (stats.count > 0) baseline.hours.push([ORIGIN / 60 + h, stats]);
  }
  const model = new SeriesModel(baseline, {
    observedFrom: ORIGIN,
    lastRolledHour: hours > 0 ? ORIGIN / 60 + hours - 1 : undefined,
    baselineDays,
  });
  return { baseline, model };
}

export const CALL_RATE: Series = { insightType: 'ApiCallRateInsight', eventSource: 'test.amazonaws.com', eventName: 'Test' };

export function rules(model: SeriesModel, config = DEFAULT_DETECTOR_CONFIG, unusedRegion = false, series = CALL_RATE): SeriesRules {
  return rulesFor(config, compileOverrides(config.overrides), series, { observedHours: model.observedHours, baselineEvents: model.total, unusedRegion });
}

export const configWith = (change: Record<string, unknown>) => parseDetectorConfig(change);
