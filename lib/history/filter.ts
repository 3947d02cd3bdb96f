/**
 * Which past insights a query selects. Records are grouped into insights by
 * `sharedEventID` (a Start and its End), and every criterion but `state` applies to the
 * insight as a whole, so a query never returns an End without its Start's series, nor
 * splits a pair by time.
 */
import { compilePattern } from '../config/pattern.js';
import type { InsightRecord } from '../insights/record.js';
import { GROUP_EVENT_SOURCE, type InsightType } from '../series/series.js';
import { minuteOf, type Minute } from '../time/minute.js';

export type StateFilter = 'Start' | 'End' | 'open';

export interface InsightFilter {
  /** Insights active at or after this minute (an open one is active until now). */
  since?: Minute;
  /** Insights that started at or before this minute. */
  until?: Minute;
  accounts?: readonly string[];
  regions?: readonly string[];
  /** `service:Name` globs, e.g. `iam:CreateUser`, `ec2:*`, `group:IamWriteCalls`. */
  apis?: readonly string[];
  types?: readonly InsightType[];
  /** `Start` or `End`: only records of that state; `open`: insights without an End. */
  state?: StateFilter;
}

/** A command-line value that cannot be a filter. */
export class FilterError extends Error {
  constructor(
    message: string,
    readonly option: string,
  ) {
    super(message);
    this.name = 'FilterError';
  }
}

/** A Start and its End (absent while open, or when only the End was kept). */
export interface InsightPair {
  sharedEventID: string;
  start?: InsightRecord;
  end?: InsightRecord;
  /** Start minute (from the Start, or the End minus its insightDuration). */
  startMinute: Minute;
  endMinute?: Minute;
}

/** Groups records into insights, in order of their first record. */
export function pairRecords(records: readonly InsightRecord[]): InsightPair[] {
  const pairs = new Map<string, InsightPair>();
  for (const record of records) {
    const minute = minuteOf(record.eventTime)!;
    const pair = pairs.get(record.sharedEventID) ?? { sharedEventID: record.sharedEventID, startMinute: minute };
    if (record.insightDetails.state === 'Start') {
      pair.start = record;
      pair.startMinute = minute;
    } else {
      pair.end = record;
      pair.endMinute = minute;
      if (pair.start === undefined) pair.startMinute = minute - (record.insightDetails.insightContext.statistics.insightDuration ?? 0);
    }
    pairs.set(record.sharedEventID, pair);
  }
  return [...pairs.values()];
}

/** `iam` → `iam.amazonaws.com`; `group` or `(all)` → the group series' source; anything with a dot as is. */
function eventSourceOf(service: string): string {
  if (service === 'group' || service === '(all)') return GROUP_EVENT_SOURCE;
  return service.includes('.') ? service : `${service}.amazonaws.com`;
}

/**
 * An `--api` value as a matcher of `eventSource`/`eventName`.
 * @example parseApi('iam:CreateUser')({ eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' }) // true
 * @throws FilterError when it has no `service:Name` form
 */
export function parseApi(value: string): (details: { eventSource: string; eventName: string }) => boolean {
  const at = value.indexOf(':');
  if (at <= 0 || at === value.length - 1) throw new FilterError(`--api must be service:Name (iam:CreateUser, ec2:*, group:IamWriteCalls), got ${value}`, 'api');
  const source = compilePattern(eventSourceOf(value.slice(0, at)));
  const name = compilePattern(value.slice(at + 1));
  return (details) => source(details.eventSource) && name(details.eventName);
}

/** Insight type names as people type them. */
const TYPES: Record<string, InsightType> = {
  ApiCallRateInsight: 'ApiCallRateInsight',
  ApiErrorRateInsight: 'ApiErrorRateInsight',
  call: 'ApiCallRateInsight',
  'call-rate': 'ApiCallRateInsight',
  error: 'ApiErrorRateInsight',
  'error-rate': 'ApiErrorRateInsight',
};

export function parseType(value: string): InsightType {
  const type = TYPES[value];
  if (type === undefined) throw new FilterError(`--type must be ApiCallRateInsight or ApiErrorRateInsight (or call, error), got ${value}`, 'type');
  return type;
}

export function parseState(value: string): StateFilter {
  if (value === 'Start' || value === 'End' || value === 'open') return value;
  throw new FilterError(`--state must be Start, End or open, got ${value}`, 'state');
}

/**
 * A time bound: an ISO timestamp, a date (`2024-02-24`, midnight UTC), or a duration back
 * from `now` (`90d`, `12h`, `30m`).
 * @example parseTime('7d', minuteOf('2024-02-24T00:00:00Z')!) // the minute of 2024-02-17T00:00Z
 */
export function parseTime(value: string, now: Minute, option: string): Minute {
  const relative = /^(\d+)([dhm])$/.exec(value);
  if (relative) return now - Number(relative[1]) * { d: 1440, h: 60, m: 1 }[relative[2] as 'd' | 'h' | 'm'];
  const minute = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? minuteOf(value.length === 10 ? `${value}T00:00:00Z` : value) : undefined;
  if (minute === undefined) throw new FilterError(`--${option} must be a time (2024-02-24, 2024-02-24T03:00Z) or a duration back from now (90d, 12h), got ${value}`, option);
  return minute;
}

/**
 * The records a filter selects, in their input order.
 * @example selectRecords(records, { regions: ['us-east-1'], state: 'open' })
 */
export function selectRecords(records: readonly InsightRecord[], filter: InsightFilter): InsightRecord[] {
  const apis = (filter.apis ?? []).map(parseApi);
  const kept = new Set<string>();
  for (const pair of pairRecords(records)) {
    const first = (pair.start ?? pair.end)!;
    const details = first.insightDetails;
    if (filter.accounts?.length && !filter.accounts.includes(first.recipientAccountId)) continue;
    if (filter.regions?.length && !filter.regions.includes(first.awsRegion)) continue;
    if (filter.types?.length && !filter.types.includes(details.insightType)) continue;
    if (apis.length > 0 && !apis.some((matches) => matches(details))) continue;
    if (filter.until !== undefined && pair.startMinute > filter.until) continue;
    if (filter.since !== undefined && pair.endMinute !== undefined && pair.endMinute < filter.since) continue;
    if (filter.state === 'open' && pair.end !== undefined) continue;
    kept.add(pair.sharedEventID);
  }
  const state = filter.state === 'open' ? 'Start' : filter.state;
  return records.filter((record) => kept.has(record.sharedEventID) && (state === undefined || record.insightDetails.state === state));
}
