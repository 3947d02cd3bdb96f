import type { CountWindow } from '../aggregate/count-window.js';
import { mergeValueCounts } from '../aggregate/top-k.js';
import type { Attributions, ValueCount } from '../aggregate/types.js';
import type { HourRollup } from '../baseline/types.js';
import { baselineWindow, type WindowFacts } from '../insights/build.js';
import type { InsightRecord } from '../insights/record.js';
import type { SeriesId } from '../series/series.js';
import { hourOf, type Hour, type Minute } from '../time/minute.js';

/** Events and attributions of a series over `[from, to]` of a count window. */
export function windowFacts(window: CountWindow, id: SeriesId, from: Minute, to: Minute, limit: number): WindowFacts {
  return { events: window.sum(id, from, to), duration: to - from + 1, attributions: window.attributions(id, from, to, limit) };
}

export interface BaselineSources {
  /** Rollups of the account-region covering the baseline window's closed hours. */
  rollups: readonly HourRollup[];
  rolledThroughHour: Hour | undefined;
  /** Counts of the minutes after the last rolled hour, up to the insight's start. */
  window: CountWindow;
  observedFrom: Minute;
  baselineDays: number;
  attributionLimit: number;
}

/** The hours of a baseline window that come from rollups; later minutes come from counts. */
export function rolledPart(start: Minute, sources: Pick<BaselineSources, 'rolledThroughHour' | 'observedFrom' | 'baselineDays'>) {
  const window = baselineWindow(start, sources.baselineDays, sources.observedFrom);
  const lastHour = Math.min(sources.rolledThroughHour ?? Number.NEGATIVE_INFINITY, hourOf(start) - 1);
  return { window, firstHour: hourOf(window.from), lastHour };
}

/**
 * AWS's baseline side of an insight: every event of the series from 00:00 UTC
 * `baselineDays` days before the start, up to the start, over that many minutes.
 */
export function baselineFacts(id: SeriesId, start: Minute, sources: BaselineSources): WindowFacts {
  const { window, firstHour, lastHour } = rolledPart(start, sources);
  let events = 0;
  const lists: Array<Array<readonly ValueCount[]>> = [[], [], []];
  for (const rollup of sources.rollups) {
    if (rollup.hour < firstHour || rollup.hour > lastHour) continue;
    const entry = rollup.series.find((series) => series.id === id);
    if (entry === undefined) continue;
    events += entry.stats.count;
    lists[0]!.push(entry.attributions.userIdentityArn);
    lists[1]!.push(entry.attributions.userAgent);
    lists[2]!.push(entry.attributions.errorCode);
  }
  const tailFrom = Math.max(window.from, (lastHour + 1) * 60, sources.window.from);
  if (tailFrom <= start - 1) {
    events += sources.window.sum(id, tailFrom, start - 1);
    const tail = sources.window.attributions(id, tailFrom, start - 1, sources.attributionLimit);
    lists[0]!.push(tail.userIdentityArn);
    lists[1]!.push(tail.userAgent);
    lists[2]!.push(tail.errorCode);
  }
  const limit = sources.attributionLimit;
  return {
    events,
    duration: window.duration,
    attributions: {
      userIdentityArn: mergeValueCounts(lists[0]!, limit),
      userAgent: mergeValueCounts(lists[1]!, limit),
      errorCode: mergeValueCounts(lists[2]!, limit),
    },
  };
}

/**
 * The baseline side as a Start record carries it, so the End repeats the same figures
 * (AWS: "Start and End carry the same baseline figures"). Averages have 10 decimals, so
 * average × duration recovers the integer counts exactly.
 */
export function baselineFactsOf(start: InsightRecord): WindowFacts {
  const { statistics, attributions = [] } = start.insightDetails.insightContext;
  const duration = statistics.baselineDuration;
  const counts = (attribute: keyof Attributions): ValueCount[] =>
    (attributions.find((entry) => entry.attribute === attribute)?.baseline ?? []).map(({ value, average }) => [
      value,
      Math.round(average * duration),
    ]);
  return {
    events: Math.round(statistics.baseline.average * duration),
    duration,
    attributions: { userIdentityArn: counts('userIdentityArn'), userAgent: counts('userAgent'), errorCode: counts('errorCode') },
  };
}
