import type { SeriesId } from '../series/series.js';
import type { Minute } from '../time/minute.js';

/** One attribute value and how many events carried it. */
export type ValueCount = [value: string, count: number];

/**
 * Who and what made the calls, as AWS reports it in `insightContext.attributions`.
 * Each list is sorted by count, descending (ties by value), and bounded: exact while a
 * list has few distinct values, an estimate from the top-k summary beyond (see
 * `lib/aggregate/top-k.ts`).
 */
export interface Attributions {
  userIdentityArn: ValueCount[];
  userAgent: ValueCount[];
  /** Call-rate series only (`"null"` for calls without error); empty on error-rate series. */
  errorCode: ValueCount[];
}

export interface MinuteCount {
  minute: Minute;
  count: number;
  attributions: Attributions;
}

/** Per-minute counts of one series, ascending by minute, no zero minutes. */
export interface SeriesCounts {
  id: SeriesId;
  minutes: MinuteCount[];
}

/**
 * What one log object adds to one account and region: the unit the store applies
 * exactly once.
 */
export interface Contribution {
  /** Stable identity of the source object (see `objectIdOf` in lib/cloudtrail). */
  objectId: string;
  account: string;
  region: string;
  series: SeriesCounts[];
}

/** What happened to the records of one file, for logs, quarantine and the CLI summary. */
export interface FileStats {
  records: number;
  /** Records counted in at least one series. */
  counted: number;
  /** Management write calls (call-rate input). */
  writes: number;
  /** Management calls with an errorCode (error-rate input). */
  errors: number;
  /** Same eventID seen earlier in the same file. */
  duplicates: number;
  /** Records ignored, by reason (data events, reads, insights, suppressed...). */
  ignored: Record<string, number>;
  /** Records missing what counting needs, by reason. Reported, never fatal. */
  malformed: Record<string, number>;
}
