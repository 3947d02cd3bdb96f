import type { InsightType } from '../../lib/series/series.js';

/**
 * `labels.json`: what the generator injected, for the quality scorer
 * (`bench/quality/score.ts`) and for humans tuning the detector.
 */

/** A series whose Start insight counts as detecting an incident. */
export interface ExpectedSeries {
  insightType: InsightType;
  eventSource: string;
  eventName: string;
  /** Error-rate series only. */
  errorCode?: string;
  /**
   * Where the series lives when not in the incident's region: IAM and other global
   * services file their events under us-east-1 whatever region the caller used.
   */
  region?: string;
}

export type IncidentKind =
  | 'iam-burst'
  | 'provisioning-spike'
  | 'new-region-provisioning'
  | 'access-denied-storm'
  | 'job-stop'
  | 'slow-elevation'
  | 'error-elevation'
  | 'throttling-storm'
  | 'mass-deletion'
  | 'kms-key-deletion';

export type IncidentSize = 'large' | 'medium' | 'modest';

/** What an incident added to the trail (or, for a stop, took out of it). */
export interface InjectedSummary {
  /** Records written for the incident, duplicates not counted. */
  records: number;
  byEventName: Record<string, number>;
  /** Caller ARNs (assumed roles per role) and user agents of the injected records; for a stop, the job's caller. */
  principals: string[];
  userAgents: string[];
  /** Records a stopped job did not write (job-stop only). */
  missingRecords?: number;
}

/** What every label says: where and when, and the series it should (or may) show in. */
export interface LabelledSpan {
  id: string;
  account: string;
  region: string;
  /** ISO, minute-aligned: first injected record's minute (first missing minute for a stop). */
  start: string;
  /** ISO, minute-aligned: last injected record's minute (last missing minute for a stop). */
  end: string;
  description: string;
  expect: ExpectedSeries[];
}

export interface LabelledIncident extends LabelledSpan {
  kind: IncidentKind;
  size: IncidentSize;
  injected: InjectedSummary;
}

/**
 * Benign activity worth naming.
 * - `quiet`: recurring inside the baseline window; a detector must stay quiet, a Start
 *   matching it is a false insight (the scorer names the decoy to help tuning).
 * - `either`: benign but never seen in the baseline window (a monthly job, a one-off
 *   admin task); flagging it is defensible and so is silence: matching Starts are left
 *   out of precision and of the false-insight count, and reported apart.
 */
export interface LabelledNormal extends LabelledSpan {
  kind: string;
  policy: 'quiet' | 'either';
  injected?: InjectedSummary;
}

export interface LabelledAccount {
  id: string;
  name: string;
  character: string;
  /** UTC offset of the people and customers behind the account, hours. */
  tzHours: number;
  /** Regions with background activity: the denominator of false insights per region-day. */
  regions: string[];
}

export interface RecordCounts {
  total: number;
  managementWrite: number;
  managementRead: number;
  data: number;
  /** Management calls with an errorCode (reads and writes). */
  errors: number;
  /** Records of incidents (duplicates not counted). */
  incident: number;
}

export interface Labels {
  generator: {
    name: 'trail-insights-synth';
    version: number;
    seed: number;
    profile: 'full' | 'sample';
    days: number;
    /** Minutes between deliveries per account-region. */
    deliveryEveryMinutes: number;
    /**
     * Event-time lateness a replay should allow before treating a minute as complete:
     * the delivery cadence plus the usual delivery delay.
     */
    recommendedLatenessMinutes: number;
  };
  start: string;
  end: string;
  warmupEnd: string;
  accounts: LabelledAccount[];
  incidents: LabelledIncident[];
  normal: LabelledNormal[];
  stats: {
    files: number;
    bytes: number;
    records: RecordCounts;
    duplicates: number;
    maxDelayMinutes: number;
  };
}
