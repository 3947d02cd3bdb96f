import type { CountWindow } from '../aggregate/count-window.js';
import type { SeriesId } from '../series/series.js';
import type { Hour } from '../time/minute.js';
import { hourStatsOf } from './hour-stats.js';
import type { HourRollup, HourStats, SeriesBaseline } from './types.js';

/** Everything the closed `hour` added up to, per series with events in it. */
export function rollupHour(window: CountWindow, hour: Hour, attributionLimit: number): HourRollup {
  const first = hour * 60;
  if (first < window.from || first + 59 > window.to) throw new RangeError(`hour ${hour} is outside the count window`);
  const series: HourRollup['series'] = [];
  for (const id of window.seriesIds()) {
    const counts = window.counts(id)!.subarray(first - window.from, first - window.from + 60);
    const stats = hourStatsOf(counts);
    if (stats.count === 0) continue;
    series.push({ id, stats, attributions: window.attributions(id, first, first + 59, attributionLimit) });
  }
  return { hour, series };
}

/**
 * A baseline whose only change would be dropping expired hours is rewritten at most once
 * a day: the model ignores hours outside its window anyway, and an hourly rewrite of
 * every series just to trim one would cost a DynamoDB write per series per hour.
 */
export const TRIM_SLACK_HOURS = 24;

/**
 * Writes rolled hours into the baselines, overwriting their slots (so rolling the same
 * hour again, e.g. after late data, is idempotent; of two rollups of one hour the later
 * wins), and drops hours before `keepFromHour` from the baselines it rewrites anyway, or
 * from any holding hours `TRIM_SLACK_HOURS` older. Returns the baselines that changed;
 * one left without hours is returned empty, for deletion.
 *
 * Each changed baseline is merged once, whatever the number of rollups: a day of rollups
 * applied one at a time (a filter and a splice of a week of hours per series per rollup)
 * was a quarter of a replay's CPU.
 */
export function applyRollups(
  baselines: Map<SeriesId, SeriesBaseline>,
  rollups: readonly HourRollup[],
  keepFromHour: Hour,
): SeriesBaseline[] {
  // Baselines are replaced, never modified: callers (and the stores' caches) may share them.
  const added = new Map<SeriesId, Map<Hour, HourStats>>();
  for (const rollup of rollups) {
    for (const { id, stats } of rollup.series) {
      let hours = added.get(id);
      if (hours === undefined) added.set(id, (hours = new Map()));
      hours.set(rollup.hour, stats);
    }
  }
  const changed = new Set<SeriesId>();
  for (const [id, hours] of added) {
    baselines.set(id, { id, hours: mergeHours(baselines.get(id)?.hours ?? [], hours) });
    changed.add(id);
  }
  for (const [id, baseline] of baselines) {
    const oldest = baseline.hours[0]?.[0];
    if (oldest === undefined || oldest >= keepFromHour) continue;
    if (!changed.has(id) && oldest >= keepFromHour - TRIM_SLACK_HOURS) continue;
    baselines.set(id, { id, hours: baseline.hours.filter(([hour]) => hour >= keepFromHour) });
    changed.add(id);
  }
  return [...changed].sort().map((id) => baselines.get(id)!);
}

/** Ascending hours: `existing` with every hour of `added` written over its slot. */
function mergeHours(existing: SeriesBaseline['hours'], added: ReadonlyMap<Hour, HourStats>): SeriesBaseline['hours'] {
  const fresh = [...added].sort((a, b) => a[0] - b[0]);
  const merged: SeriesBaseline['hours'] = [];
  let i = 0;
  for (const entry of fresh) {
    while (i < existing.length && existing[i]![0] < entry[0]) merged.push(existing[i++]!);
    if (i < existing.length && existing[i]![0] === entry[0]) i++;
    merged.push(entry);
  }
  while (i < existing.length) merged.push(existing[i++]!);
  return merged;
}
