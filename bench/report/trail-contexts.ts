/**
 * Insight contexts for a replayed trail, computed offline from its log files — what the
 * report and its browser test draw until the engine writes contexts itself.
 *
 * Per insight: the series' per-minute counts (the engine's own aggregator over every
 * file), the baseline model from the closed hours before the Start (the engine's
 * `SeriesModel`, AWS's midnight-aligned 7-day window), the series' rules, and the
 * detector re-run on those counts to recover the window that fired. The expected rate is
 * the model's; the band is the 99 % upper quantile of one minute under it — the level
 * above which the detector still counts a minute as elevated (`endLogAlpha`). Insights
 * whose detection the offline model does not reproduce get no context, and the report
 * draws them from their records alone.
 */
import { FileAggregator } from '../../lib/aggregate/file-aggregator.js';
import { SeriesModel } from '../../lib/baseline/model.js';
import { hourStatsOf } from '../../lib/baseline/hour-stats.js';
import type { HourStats } from '../../lib/baseline/types.js';
import { readTrailFile } from './read-trail-file.js';
import type { DetectorConfig } from '../../lib/config/detector-config.js';
import { findGap, findSpike } from '../../lib/detect/detector.js';
import { compileOverrides, rulesFor } from '../../lib/detect/rules.js';
import { logUpperTail } from '../../lib/stats/tails.js';
import { buildInsightContext, type InsightContext, type InsightReason } from '../../lib/insights/context.js';
import type { InsightRecord } from '../../lib/insights/record.js';
import { pairRecords } from '../../lib/history/filter.js';
import { callRateId, errorRateId, GROUP_EVENT_SOURCE, GroupName, type Series, type SeriesId } from '../../lib/series/series.js';
import { hourOf, type Hour, type Minute } from '../../lib/time/minute.js';
import type { TrailFile } from '../../lib/cli/trail-files.js';

/** ln 1 %: the detector's own "still elevated" level for a window (lib/detect/rules.ts END_LOG_ALPHA). */
const BAND_LOG_ALPHA = Math.log(0.01);

/** Per-minute counts of every series of a trail, by `account|region|seriesId`. */
export interface TrailSeriesCounts {
  from: Minute;
  to: Minute;
  series: Map<string, Float64Array>;
  /** First minute with any event, per account. */
  accountFirst: Map<string, Minute>;
}

const seriesKey = (account: string, region: string, id: SeriesId) => `${account}|${region}|${id}`;

/** Counts every file of a trail with the engine's aggregator (records de-duplicated by eventID across files). */
export async function countTrail(files: readonly TrailFile[], config: DetectorConfig): Promise<TrailSeriesCounts> {
  const cells = new Map<string, Map<Minute, number>>();
  const accountFirst = new Map<string, Minute>();
  const seen = new Set<string>();
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const file of files) {
    const aggregator = new FileAggregator({ objectId: file.file.objectId, account: file.file.account, region: file.file.region, config });
    for (const record of await readTrailFile(file)) {
      const id = record.eventID;
      if (typeof id === 'string') {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      aggregator.add(record);
    }
    for (const contribution of aggregator.contributions()) {
      for (const series of contribution.series) {
        const key = seriesKey(contribution.account, contribution.region, series.id);
        const minutes = cells.get(key) ?? new Map<Minute, number>();
        cells.set(key, minutes);
        for (const { minute, count } of series.minutes) {
          minutes.set(minute, (minutes.get(minute) ?? 0) + count);
          from = Math.min(from, minute);
          to = Math.max(to, minute);
          accountFirst.set(contribution.account, Math.min(accountFirst.get(contribution.account) ?? minute, minute));
        }
      }
    }
  }
  const series = new Map<string, Float64Array>();
  for (const [key, minutes] of cells) {
    const counts = new Float64Array(Math.max(0, to - from + 1));
    for (const [minute, count] of minutes) counts[minute - from] = count;
    series.set(key, counts);
  }
  return { from, to, series, accountFirst };
}

/** The smallest count k with P(X > k) below the band level: the top of one minute's normal range. */
export function upperQuantile(mean: number, size: number): number {
  let k = Math.max(0, Math.floor(mean));
  while (logUpperTail(k + 1, mean, size) >= BAND_LOG_ALPHA) k += 1;
  return k;
}

function seriesIdOf(record: InsightRecord): SeriesId {
  const { eventSource, eventName, insightType, errorCode } = record.insightDetails;
  return insightType === 'ApiErrorRateInsight' ? errorRateId(eventSource, eventName, errorCode ?? '') : callRateId(eventSource, eventName);
}

function seriesOf(record: InsightRecord): Series {
  const { insightType, eventSource, eventName, errorCode } = record.insightDetails;
  return { insightType, eventSource, eventName, ...(errorCode !== undefined && { errorCode }) };
}

/** Closed hours of one series before `hour`, as the baseline keeps them (active hours only). */
function baselineHours(counts: Float64Array, from: Minute, before: Hour): Array<[Hour, HourStats]> {
  const hours: Array<[Hour, HourStats]> = [];
  for (let hour = hourOf(from); hour < before; hour++) {
    const minutes = Array.from({ length: 60 }, (_, i) => counts[hour * 60 + i - from] ?? 0);
    const stats = hourStatsOf(minutes);
    if (stats.count > 0) hours.push([hour, stats]);
  }
  return hours;
}

/**
 * One context per insight of the records whose detection the offline model reproduces.
 * @example const contexts = contextsFromTrail(await countTrail(files, config), result.records, config);
 */
export function contextsFromTrail(trail: TrailSeriesCounts, records: readonly InsightRecord[], config: DetectorConfig): InsightContext[] {
  const overrides = compileOverrides(config.overrides);
  const contexts: InsightContext[] = [];
  // Prefix sums of every series of an account-region, built once per account-region.
  const prefixes = new Map<string, Float64Array>();
  const regionSums = (where: string) => {
    let sums = prefixes.get(where);
    if (sums === undefined) {
      sums = new Float64Array(trail.to - trail.from + 2);
      for (const [key, values] of trail.series) {
        if (!key.startsWith(`${where}|`)) continue;
        for (let i = 0; i < values.length; i++) sums[i + 1]! += values[i]!;
      }
      for (let i = 1; i < sums.length; i++) sums[i]! += sums[i - 1]!;
      prefixes.set(where, sums);
    }
    const at = (minute: Minute) => sums![Math.min(Math.max(minute - trail.from, 0), sums!.length - 1)]!;
    return (from: Minute, to: Minute) => at(to) - at(from);
  };
  for (const pair of pairRecords(records)) {
    const first = (pair.start ?? pair.end)!;
    const account = first.recipientAccountId;
    const region = first.awsRegion;
    const id = seriesIdOf(first);
    const counts = trail.series.get(seriesKey(account, region, id));
    if (counts === undefined) continue;
    const start = pair.startMinute;
    const observedFrom = trail.accountFirst.get(account) ?? trail.from;
    const lastRolledHour = hourOf(start) - 1;
    const model = new SeriesModel({ id, hours: baselineHours(counts, trail.from, hourOf(start)) }, { observedFrom, lastRolledHour, baselineDays: config.baselineDays });
    // Events of the whole account-region in the baseline window (none: a never-used region).
    const baselineFrom = Math.max(trail.from, (Math.floor(start / 1440) - config.baselineDays) * 1440);
    const regionTotal = regionSums(`${account}|${region}`)(baselineFrom, start);
    const rules = rulesFor(config, overrides, seriesOf(first), { observedHours: model.observedHours, baselineEvents: model.total, unusedRegion: regionTotal === 0 });
    const series = { counts, from: trail.from };
    const { statistics } = first.insightDetails.insightContext;
    let reason: InsightReason | undefined;
    if (statistics.insight.average < statistics.baseline.average) {
      const needed = Math.max(rules.gaps.minGapMinutes, rules.gaps.periodsMissed * model.period, 2 * model.longestIdle);
      const gap = findGap(series, model, rules, start + Math.ceil(needed) - 1);
      if (gap !== undefined) reason = { rule: 'drop', period: model.period, silence: gap.end - gap.start + 1, needed, expected: gap.expected, lnP: gap.logP };
    } else {
      const spike = findSpike(series, model, rules, start, start + Math.max(...rules.windows));
      if (spike !== undefined) {
        const provisioning = first.insightDetails.eventSource === GROUP_EVENT_SOURCE && first.insightDetails.eventName === GroupName.Provisioning;
        const rule = model.total > 0 ? 'burst' : regionTotal === 0 && provisioning ? 'new-region' : 'new-api';
        reason = {
          rule,
          window: spike.window,
          observed: spike.observed,
          expected: spike.expected,
          lnP: spike.logP,
          lnAlpha: rules.logAlpha(spike.window),
          minCount: rules.mature ? rules.minCount : rules.coldStartMinCount,
          ...(rule === 'burst' && { peak: model.peak(spike.window), peakFactor: rules.peakFactor }),
        };
      }
    }
    if (reason === undefined) continue;
    const expected = Array.from(counts, (_, i) => model.rate(trail.from + i));
    const size = model.size(1);
    const bands = new Map<number, number>();
    const band = (rate: number): number => bands.get(rate) ?? bands.set(rate, upperQuantile(rate, size)).get(rate)!;
    contexts.push(
      buildInsightContext({
        sharedEventID: pair.sharedEventID,
        account,
        region,
        series: seriesOf(first),
        start,
        ...(pair.endMinute !== undefined && { end: pair.endMinute }),
        reason,
        from: trail.from,
        counts: Array.from(counts),
        expected,
        upper: expected.map(band),
        attributions: (pair.end ?? first).insightDetails.insightContext.attributions ?? [],
      }),
    );
  }
  return contexts;
}
