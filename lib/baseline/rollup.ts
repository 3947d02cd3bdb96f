import type { CountWindow } from '../aggregate/count-window.js';
import type { SeriesId } from '../series/series.js';
import type { Hour } from '../time/minute.js';
import { hourStatsOf } from './hour-stats.js';
import type { HourRollup, SeriesBaseline } from './types.js';

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
 * Writes a rolled hour into the baselines, overwriting its slot (so rolling the same hour
 * again, e.g. after late data, is idempotent), and drops hours before `keepFromHour`.
 * Returns the baselines that changed; one left without hours is returned empty, for
 * deletion.
 */
export function applyRollups(
  baselines: Map<SeriesId, SeriesBaseline>,
  rollups: readonly HourRollup[],
  keepFromHour: Hour,
): SeriesBaseline[] {
  const changed = new Set<SeriesId>();
  for (const rollup of rollups) {
    for (const { id, stats } of rollup.series) {
      const baseline = baselines.get(id) ?? { id, hours: [] };
      const at = baseline.hours.findIndex(([hour]) => hour >= rollup.hour);
      if (at < 0) baseline.hours.push([rollup.hour, stats]);
      else if (baseline.hours[at]![0] === rollup.hour) baseline.hours[at] = [rollup.hour, stats];
      else baseline.hours.splice(at, 0, [rollup.hour, stats]);
      baselines.set(id, baseline);
      changed.add(id);
    }
  }
  for (const baseline of baselines.values()) {
    const kept = baseline.hours.filter(([hour]) => hour >= keepFromHour);
    if (kept.length !== baseline.hours.length) {
      baseline.hours = kept;
      changed.add(baseline.id);
    }
  }
  return [...changed].sort().map((id) => baselines.get(id)!);
}
