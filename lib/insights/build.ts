import type { Attributions, ValueCount } from '../aggregate/types.js';
import type { Series } from '../series/series.js';
import { dayOf, MINUTES_PER_DAY, minuteToIso, type Minute } from '../time/minute.js';
import type { AttributionEntry, AttributionValue, InsightRecord } from './record.js';

/** AWS reports at most this many values per attribution list. */
export const ATTRIBUTION_TOP = 5;

/** Events and attributions over one window of an insight (insight or baseline side). */
export interface WindowFacts {
  events: number;
  /** Minutes, ≥ 1 for the insight window; the baseline may be 0 for a brand-new account. */
  duration: number;
  attributions: Attributions;
}

export interface RecordFacts {
  account: string;
  region: string;
  series: Series;
  state: 'Start' | 'End';
  minute: Minute;
  eventID: string;
  sharedEventID: string;
  insight: WindowFacts;
  baseline: WindowFacts;
}

/** AWS rounds averages to 10 decimals (e.g. `85.4202380952`). */
const roundAverage = (value: number): number => Math.round(value * 1e10) / 1e10;

const average = (events: number, duration: number): number => (duration > 0 ? roundAverage(events / duration) : 0);

function values(list: readonly ValueCount[], duration: number): AttributionValue[] {
  return list.slice(0, ATTRIBUTION_TOP).map(([value, count]) => ({ value, average: average(count, duration) }));
}

function attributions(facts: RecordFacts): AttributionEntry[] {
  const kinds: Array<AttributionEntry['attribute']> = ['userIdentityArn', 'userAgent'];
  // AWS adds the errorCode attribution on call-rate insights only ("null" = no error).
  if (facts.series.insightType === 'ApiCallRateInsight') kinds.push('errorCode');
  return kinds
    .map((attribute) => ({
      attribute,
      insight: values(facts.insight.attributions[attribute], facts.insight.duration),
      baseline: values(facts.baseline.attributions[attribute], facts.baseline.duration),
    }))
    .filter((entry) => entry.insight.length > 0 || entry.baseline.length > 0);
}

/**
 * Builds one Insights record exactly as CloudTrail writes it: the same keys in the same
 * order (object literals keep insertion order in JSON.stringify), `errorCode` only on
 * error-rate insights, minute-aligned `eventTime`, integer durations.
 */
export function buildInsightRecord(facts: RecordFacts): InsightRecord {
  const { series } = facts;
  const insightAttributions = attributions(facts);
  return {
    eventVersion: '1.09',
    eventTime: minuteToIso(facts.minute),
    awsRegion: facts.region,
    eventID: facts.eventID,
    eventType: 'AwsCloudTrailInsight',
    recipientAccountId: facts.account,
    sharedEventID: facts.sharedEventID,
    insightDetails: {
      state: facts.state,
      eventSource: series.eventSource,
      eventName: series.eventName,
      insightType: series.insightType,
      ...(series.insightType === 'ApiErrorRateInsight' ? { errorCode: series.errorCode ?? '' } : {}),
      sourceEventCategory: 'Management',
      insightContext: {
        statistics: {
          baseline: { average: average(facts.baseline.events, facts.baseline.duration) },
          insight: { average: average(facts.insight.events, facts.insight.duration) },
          insightDuration: facts.insight.duration,
          baselineDuration: facts.baseline.duration,
        },
        ...(insightAttributions.length > 0 ? { attributions: insightAttributions } : {}),
      },
    },
    eventCategory: 'Insight',
  };
}

/**
 * AWS's baseline window: from 00:00 UTC `baselineDays` days before the Start minute up to
 * it, so `baselineDuration = days·1440 + minutes since midnight` (11336 for a Start at
 * 20:56 with 7 days). Clipped to when observation began, so a young account does not
 * claim history it never saw.
 */
export function baselineWindow(start: Minute, baselineDays: number, observedFrom: Minute): { from: Minute; duration: number } {
  const midnight = dayOf(start) * MINUTES_PER_DAY;
  const from = Math.max(midnight - baselineDays * MINUTES_PER_DAY, Math.min(observedFrom, start));
  return { from, duration: start - from };
}

/**
 * The same record with its keys in AWS's order. Records read back from a store may come
 * back with their keys in another order (the codec sorts keys so equal values encode to
 * equal bytes); everything published goes through here, so strict parsers and byte-level
 * comparisons see exactly CloudTrail's layout.
 */
export function inAwsOrder(record: InsightRecord): InsightRecord {
  const details = record.insightDetails;
  const { statistics, attributions } = details.insightContext;
  const values = (list: readonly AttributionValue[]): AttributionValue[] => list.map(({ value, average }) => ({ value, average }));
  return {
    eventVersion: record.eventVersion,
    eventTime: record.eventTime,
    awsRegion: record.awsRegion,
    eventID: record.eventID,
    eventType: record.eventType,
    recipientAccountId: record.recipientAccountId,
    sharedEventID: record.sharedEventID,
    insightDetails: {
      state: details.state,
      eventSource: details.eventSource,
      eventName: details.eventName,
      insightType: details.insightType,
      ...(details.errorCode !== undefined ? { errorCode: details.errorCode } : {}),
      sourceEventCategory: details.sourceEventCategory,
      insightContext: {
        statistics: {
          baseline: { average: statistics.baseline.average },
          insight: { average: statistics.insight.average },
          insightDuration: statistics.insightDuration,
          baselineDuration: statistics.baselineDuration,
        },
        ...(attributions !== undefined
          ? {
              attributions: attributions.map((entry) => ({
                attribute: entry.attribute,
                insight: values(entry.insight),
                baseline: values(entry.baseline),
              })),
            }
          : {}),
      },
    },
    eventCategory: record.eventCategory,
  };
}
