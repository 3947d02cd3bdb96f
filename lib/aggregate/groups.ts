import { GROUP_EVENT_SOURCE, GroupName, errorRateId, callRateId, type SeriesId } from '../series/series.js';

export const IAM_WRITES_ID: SeriesId = callRateId(GROUP_EVENT_SOURCE, GroupName.IamWrites);
export const PROVISIONING_ID: SeriesId = callRateId(GROUP_EVENT_SOURCE, GroupName.Provisioning);
export const allApisErrorId = (errorCode: string): SeriesId => errorRateId(GROUP_EVENT_SOURCE, GroupName.AllApis, errorCode);

/**
 * Services whose Run/Create/Allocate/Request/Launch calls create compute, storage,
 * network or database capacity: what a leaked key mining crypto, or runaway automation,
 * spends money on.
 */
const PROVISIONING_SOURCES = new Set(
  [
    'ec2', 'autoscaling', 'lambda', 'ecs', 'eks', 'batch', 'lightsail', 'elasticmapreduce', 'emr-serverless',
    'sagemaker', 'apprunner', 'gamelift', 'elasticloadbalancing', 'rds', 'redshift', 'redshift-serverless',
    'elasticache', 'dynamodb', 'docdb-elastic', 'memorydb', 'es', 'kafka', 's3', 'elasticfilesystem', 'fsx',
    'bedrock', 'workspaces', 'appstream',
  ].map((service) => `${service}.amazonaws.com`),
);

const PROVISIONING_VERB = /^(Run|Create|Allocate|Request|Launch)[A-Z]/;
// Tagging is metadata, not capacity, and is frequent enough to drown real bursts.
const NOT_CAPACITY = /Tags?$/;

export function isProvisioningCall(eventSource: string, eventName: string): boolean {
  return PROVISIONING_SOURCES.has(eventSource) && PROVISIONING_VERB.test(eventName) && !NOT_CAPACITY.test(eventName);
}

export const isIamWrite = (eventSource: string): boolean => eventSource === 'iam.amazonaws.com';
