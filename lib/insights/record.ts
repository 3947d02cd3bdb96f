import type { InsightType } from '../series/series.js';

/** One `{value, average}` entry of an attribution list. */
export interface AttributionValue {
  value: string;
  average: number;
}

export interface AttributionEntry {
  attribute: 'userIdentityArn' | 'userAgent' | 'errorCode';
  insight: AttributionValue[];
  baseline: AttributionValue[];
}

export interface InsightStatistics {
  baseline: { average: number };
  insight: { average: number };
  insightDuration: number;
  baselineDuration: number;
}

export interface InsightDetails {
  state: 'Start' | 'End';
  eventSource: string;
  eventName: string;
  insightType: InsightType;
  errorCode?: string;
  sourceEventCategory: 'Management';
  insightContext: {
    statistics: InsightStatistics;
    attributions?: AttributionEntry[];
  };
}

/**
 * A CloudTrail Insights record, field for field and in AWS's key order
 * (`../shared/INSIGHTS-FORMAT.md`). Build it with `lib/insights` only, which keeps the order.
 */
export interface InsightRecord {
  eventVersion: '1.09';
  eventTime: string;
  awsRegion: string;
  eventID: string;
  eventType: 'AwsCloudTrailInsight';
  recipientAccountId: string;
  sharedEventID: string;
  insightDetails: InsightDetails;
  eventCategory: 'Insight';
}
