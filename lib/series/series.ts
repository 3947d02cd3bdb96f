/**
 * A series is what Insights counts per minute inside one account and region: write calls
 * to one API (call rate), or calls to one API that failed with one error code (error rate).
 * Group series (ours, not AWS's) add up many APIs so a burst spread across them is still
 * a burst; they are named so their records stay valid for strict SIEM parsers (see
 * `GROUP_EVENT_SOURCE`).
 */
export type InsightType = 'ApiCallRateInsight' | 'ApiErrorRateInsight';

export interface Series {
  readonly insightType: InsightType;
  readonly eventSource: string;
  readonly eventName: string;
  /** Error-rate series only. */
  readonly errorCode?: string;
}

/** Canonical string form of a series within its account and region. */
export type SeriesId = string;

/**
 * Group series report this as `insightDetails.eventSource`: a plain string like every
 * real value (parsers type it as string), but not an `*.amazonaws.com` host, so a rule
 * can tell a group insight from a per-API one and no real API is impersonated.
 */
export const GROUP_EVENT_SOURCE = 'trail-insights.group';

/** `insightDetails.eventName` of each group series. */
export const GroupName = {
  /** Every IAM write call (`iam.amazonaws.com`, `readOnly: false`). */
  IamWrites: 'IamWriteCalls',
  /** Every call that creates compute, storage, network or database capacity. */
  Provisioning: 'ProvisioningCalls',
  /** Every failed call with one error code, whatever the API (error rate). */
  AllApis: 'AllApis',
} as const;

const SEP = '|';

// AWS names never hold '|' or '%', so escaping is only paid for foreign input.
const escape = (part: string): string =>
  part.includes(SEP) || part.includes('%') ? encodeURIComponent(part) : part;
const unescape = (part: string): string => (part.includes('%') ? decodeURIComponent(part) : part);

export function callRateId(eventSource: string, eventName: string): SeriesId {
  return `c${SEP}${escape(eventSource)}${SEP}${escape(eventName)}`;
}

export function errorRateId(eventSource: string, eventName: string, errorCode: string): SeriesId {
  return `e${SEP}${escape(eventSource)}${SEP}${escape(eventName)}${SEP}${escape(errorCode)}`;
}

export function parseSeriesId(id: SeriesId): Series {
  const [head, source, name, code] = id.split(SEP);
  if ((head !== 'c' && head !== 'e') || source === undefined || name === undefined) {
    throw new Error(`not a series id: ${id}`);
  }
  if (head === 'c') {
    return { insightType: 'ApiCallRateInsight', eventSource: unescape(source), eventName: unescape(name) };
  }
  return {
    insightType: 'ApiErrorRateInsight',
    eventSource: unescape(source),
    eventName: unescape(name),
    errorCode: unescape(code ?? ''),
  };
}

