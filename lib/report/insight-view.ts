/**
 * One insight as the report shows it: its records paired, its context when there is one,
 * and the chart data — the context's per-minute counts, expected rate and band, or, for
 * an insight without a context (AWS's own, or written before contexts existed), the
 * record's baseline and insight averages as steps over the same span.
 */
import { contextChart, contextReason, CONTEXT_MINUTES_AFTER, CONTEXT_MINUTES_BEFORE, type InsightContext } from '../insights/context.js';
import { pairRecords } from '../history/filter.js';
import { apiLabel, topPrincipal } from '../insights/labels.js';
import { reasonFull, reasonShort } from '../insights/reason-text.js';
import type { AttributionEntry, InsightRecord } from '../insights/record.js';
import type { InsightType } from '../series/series.js';
import type { Minute } from '../time/minute.js';

/** What the page's script draws for one insight. */
export interface ChartData {
  /** Minute of index 0. */
  from: Minute;
  counts: number[];
  expected: number[];
  upper: number[];
  start: Minute;
  /** End minute, or the last minute known for an open insight. */
  until: Minute;
  open: boolean;
  /** `context`: per-minute counts; `averages`: only the record's averages were kept. */
  source: 'context' | 'averages';
}

export interface InsightView {
  id: string;
  account: string;
  region: string;
  api: string;
  type: InsightType;
  drop: boolean;
  start: Minute;
  end?: Minute;
  startRecord?: InsightRecord;
  endRecord?: InsightRecord;
  baselineAverage: number;
  insightAverage: number;
  totalEvents: number;
  /** Whether `totalEvents` was counted (context) or estimated from the average × duration. */
  totalCounted: boolean;
  reasonShort?: string;
  reasonFull?: string;
  topPrincipal?: string;
  attributions: AttributionEntry[];
  chart: ChartData;
}

/** Steps of the record's averages, for insights that have no context. */
function averagesChart(start: Minute, end: Minute | undefined, baseline: number, insight: number): ChartData {
  const until = end ?? start + 1;
  const from = start - CONTEXT_MINUTES_BEFORE;
  const length = until + CONTEXT_MINUTES_AFTER - from + 1;
  const counts = Array.from({ length }, (_, i) => (from + i >= start && from + i < Math.max(until, start + 1) ? insight : baseline));
  return { from, counts, expected: Array<number>(length).fill(baseline), upper: Array<number>(length).fill(baseline), start, until, open: end === undefined, source: 'averages' };
}

/**
 * The report's insights: records paired by sharedEventID, joined with their contexts,
 * ordered by start then id.
 * @example const views = insightViews(records, contexts);
 */
export function insightViews(records: readonly InsightRecord[], contexts: readonly InsightContext[]): InsightView[] {
  const contextById = new Map(contexts.map((context) => [context.sharedEventID, context]));
  const views = pairRecords(records).map((pair): InsightView => {
    const latest = (pair.end ?? pair.start)!;
    const details = latest.insightDetails;
    const { statistics } = details.insightContext;
    const context = contextById.get(pair.sharedEventID);
    const duration = pair.endMinute !== undefined ? pair.endMinute - pair.startMinute : (statistics.insightDuration ?? 1);
    let chart: ChartData;
    if (context !== undefined) {
      const decoded = contextChart(context);
      const last = decoded.from + decoded.counts.length - 1;
      chart = { ...decoded, start: pair.startMinute, until: pair.endMinute ?? last, open: pair.endMinute === undefined, source: 'context' };
    } else {
      chart = averagesChart(pair.startMinute, pair.endMinute, statistics.baseline.average, statistics.insight.average);
    }
    const reason = context === undefined ? undefined : contextReason(context);
    const principal = topPrincipal(latest);
    return {
      id: pair.sharedEventID,
      account: latest.recipientAccountId,
      region: latest.awsRegion,
      api: apiLabel(details),
      type: details.insightType,
      drop: statistics.insight.average < statistics.baseline.average,
      start: pair.startMinute,
      ...(pair.endMinute !== undefined && { end: pair.endMinute }),
      ...(pair.start && { startRecord: pair.start }),
      ...(pair.end && { endRecord: pair.end }),
      baselineAverage: statistics.baseline.average,
      insightAverage: statistics.insight.average,
      totalEvents: context?.totalEvents ?? Math.round(statistics.insight.average * duration),
      totalCounted: context !== undefined,
      ...(reason && { reasonShort: reasonShort(reason), reasonFull: reasonFull(reason) }),
      ...(principal !== undefined && { topPrincipal: principal }),
      attributions: context?.attributions ?? details.insightContext.attributions ?? [],
      chart,
    };
  });
  return views.sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
