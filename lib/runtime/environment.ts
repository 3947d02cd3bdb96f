import { ConfigError, DEFAULT_DETECTOR_CONFIG, parseDetectorConfigText, type DetectorConfig } from '../config/detector-config.js';
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from '../engine/deps.js';
import { parseLogLevel, type LogLevel } from '../log/logger.js';

/** Everything the Lambda functions read from their environment, validated once at cold start. */
export interface RuntimeConfig {
  tableName: string;
  eventBusName: string;
  eventSource: string;
  detector: DetectorConfig;
  maxDecompressedBytes: number;
  insightsKmsKeyId?: string;
  expectedBucketOwner?: string;
  /** Path-style S3 addressing, for S3-compatible stores (and s3rver). */
  s3ForcePathStyle: boolean;
  logLevel: LogLevel;
  /** `service` of log lines and metrics: `trail-insights-<stage>` when deployed. */
  serviceName: string;
}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new ConfigError(`environment variable ${name} is required`, name);
  return value;
}

function positiveInteger(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new ConfigError(`environment variable ${name} must be a positive integer, got ${JSON.stringify(raw)}`, name);
  return value;
}

const optional = (env: Env, name: string): string | undefined => (env[name] ? env[name] : undefined);

/**
 * @example runtimeConfigFrom({ TABLE_NAME: 'trail-insights', EVENT_SOURCE: 'acme.trail-insights' })
 * @throws ConfigError naming the variable (or the detector-config field) that is wrong
 */
export function runtimeConfigFrom(env: Env): RuntimeConfig {
  const insightsKmsKeyId = optional(env, 'INSIGHTS_KMS_KEY_ID');
  const expectedBucketOwner = optional(env, 'EXPECTED_BUCKET_OWNER');
  const configText = optional(env, 'TRAIL_INSIGHTS_CONFIG');
  return {
    tableName: required(env, 'TABLE_NAME'),
    eventBusName: optional(env, 'EVENT_BUS_NAME') ?? 'default',
    eventSource: optional(env, 'EVENT_SOURCE') ?? 'trail-insights',
    detector: configText ? parseDetectorConfigText(configText, 'TRAIL_INSIGHTS_CONFIG') : DEFAULT_DETECTOR_CONFIG,
    maxDecompressedBytes: positiveInteger(env, 'MAX_DECOMPRESSED_BYTES', DEFAULT_MAX_DECOMPRESSED_BYTES),
    ...(insightsKmsKeyId && { insightsKmsKeyId }),
    ...(expectedBucketOwner && { expectedBucketOwner }),
    s3ForcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
    logLevel: parseLogLevel(env.LOG_LEVEL),
    // Powertools' own variable, set by serverless.yml.
    serviceName: optional(env, 'POWERTOOLS_SERVICE_NAME') ?? 'trail-insights',
  };
}
