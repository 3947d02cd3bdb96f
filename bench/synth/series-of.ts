import { GROUP_EVENT_SOURCE, GroupName, type InsightType } from '../../lib/series/series.js';
import type { CloudTrailRecord } from './record.js';

/**
 * Which Insights series a record feeds, as the labels need it: an incident's `expect`
 * is every series its injected records touched, so a detector is credited for any of
 * them and never blamed for flagging a series the incident really moved.
 */
export interface SeriesRef {
  insightType: InsightType;
  eventSource: string;
  eventName: string;
  errorCode?: string;
  /** The region the series lives in (global services file under us-east-1). */
  region: string;
}

/**
 * Services whose Run/Create/Allocate/Request/Launch calls create compute, storage,
 * network or database capacity (DESIGN.md's provisioning group), tagging excluded. A copy
 * of the engine's rule in lib/aggregate/groups.ts, kept here so labels written today do
 * not change when the engine's code does; a label listing one group series more than the
 * engine counts only makes matching more lenient.
 */
const PROVISIONING_SOURCES = new Set(
  [
    'ec2', 'autoscaling', 'lambda', 'ecs', 'eks', 'batch', 'lightsail', 'elasticmapreduce', 'emr-serverless',
    'sagemaker', 'apprunner', 'gamelift', 'elasticloadbalancing', 'rds', 'redshift', 'redshift-serverless',
    'elasticache', 'dynamodb', 'docdb-elastic', 'memorydb', 'es', 'kafka', 's3', 'elasticfilesystem', 'fsx',
    'bedrock', 'workspaces', 'appstream',
  ].map((s) => `${s}.amazonaws.com`),
);
const PROVISIONING_VERB = /^(Run|Create|Allocate|Request|Launch)[A-Z]/;
const TAGGING = /Tags?$/;

export const isProvisioning = (eventSource: string, eventName: string): boolean =>
  PROVISIONING_SOURCES.has(eventSource) && PROVISIONING_VERB.test(eventName) && !TAGGING.test(eventName);

/** Management write calls: what the call-rate insight counts. */
export const isManagementWrite = (r: CloudTrailRecord): boolean =>
  r.managementEvent && r.eventCategory === 'Management' && r.readOnly === false;

/** Management calls with an error code: what the error-rate insight counts. */
export const isManagementError = (r: CloudTrailRecord): boolean =>
  r.managementEvent && r.eventCategory === 'Management' && r.errorCode !== undefined;

export function seriesOf(r: CloudTrailRecord): SeriesRef[] {
  const out: SeriesRef[] = [];
  const region = r.awsRegion;
  if (isManagementWrite(r)) {
    out.push({ insightType: 'ApiCallRateInsight', eventSource: r.eventSource, eventName: r.eventName, region });
    if (r.eventSource === 'iam.amazonaws.com') {
      out.push({ insightType: 'ApiCallRateInsight', eventSource: GROUP_EVENT_SOURCE, eventName: GroupName.IamWrites, region });
    }
    if (isProvisioning(r.eventSource, r.eventName)) {
      out.push({ insightType: 'ApiCallRateInsight', eventSource: GROUP_EVENT_SOURCE, eventName: GroupName.Provisioning, region });
    }
  }
  if (isManagementError(r) && r.errorCode !== undefined) {
    const errorCode = r.errorCode;
    out.push({ insightType: 'ApiErrorRateInsight', eventSource: r.eventSource, eventName: r.eventName, errorCode, region });
    out.push({ insightType: 'ApiErrorRateInsight', eventSource: GROUP_EVENT_SOURCE, eventName: GroupName.AllApis, errorCode, region });
  }
  return out;
}

export const seriesKey = (s: SeriesRef): string =>
  [s.region, s.insightType, s.eventSource, s.eventName, s.errorCode ?? ''].join('|');
