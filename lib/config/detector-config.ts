import { Ajv, type ErrorObject } from 'ajv';
import type { FromSchema } from './schema-type.js';

const pattern = { type: 'string', minLength: 1, maxLength: 1024 } as const;
const insightType = { enum: ['ApiCallRateInsight', 'ApiErrorRateInsight'] } as const;
const matcherProperties = { insightType, eventSource: pattern, eventName: pattern, errorCode: pattern };

/**
 * The schema is the single source of the defaults (ajv `useDefaults`), and
 * `additionalProperties: false` everywhere, so a typo is an error, not a silent default.
 * Each default's reason is in README "How detection works".
 */
export const detectorConfigSchema = {
  $id: 'https://github.com/trail-insights/trail-insights/detector-config.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    baselineDays: { description: 'Days of history in a baseline (AWS uses 7).', type: 'integer', minimum: 1, maximum: 28, default: 7 },
    latenessMinutes: { description: 'A minute is closed (drops, gaps and ends decided) this long after it.', type: 'integer', minimum: 0, maximum: 240, default: 20 },
    warmupHours: { description: 'No statistical insight before an account has been observed this long.', type: 'integer', minimum: 0, maximum: 672, default: 24 },
    multiRegionTrail: {
      description:
        'The trail covers every region, so a region that delivered nothing had no activity: a region\'s series then share their ' +
        'account\'s observation time, and a never-used region starts with a known-empty baseline instead of a blind warm-up.',
      type: 'boolean', default: true },
    insightTypes: {
      type: 'array',
      items: insightType,
      uniqueItems: true,
      minItems: 1,
      default: ['ApiCallRateInsight', 'ApiErrorRateInsight'],
    },
    groups: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        iamWrites: { type: 'boolean', default: true },
        provisioning: { type: 'boolean', default: true },
        errorsByCode: { type: 'boolean', default: true },
      },
    },
    windows: {
      description: 'Window lengths in minutes tested at once.',
      type: 'array',
      items: { type: 'integer', minimum: 1, maximum: 240 },
      uniqueItems: true,
      minItems: 1,
      maxItems: 8,
      default: [1, 5, 15, 60],
    },
    falseAlarmsPerDay: { description: 'Expected false insights per account-region-day that the thresholds allow.', type: 'number', exclusiveMinimum: 0, maximum: 10, default: 0.05 },
    seriesPerAccountRegion: { description: 'Series per account-region assumed when the budget is split into per-test thresholds.', type: 'integer', minimum: 1, maximum: 100000, default: 200 },
    minCount: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        ApiCallRateInsight: { type: 'integer', minimum: 1, default: 10 },
        ApiErrorRateInsight: { type: 'integer', minimum: 1, default: 10 },
      },
    },
    newSeriesMinCount: { description: 'Minimum count for a call-rate series with no call in its whole (mature) baseline.', type: 'integer', minimum: 1, default: 5 },
    minRatio: { type: 'number', minimum: 1, default: 3 },
    peakFactor: { type: 'number', minimum: 1, default: 1.5 },
    newRegionMinCount: { type: 'integer', minimum: 1, default: 3 },
    endQuietMinutes: { type: 'integer', minimum: 1, maximum: 240, default: 15 },
    maxInsightMinutes: { type: 'integer', minimum: 15, maximum: 10080, default: 1440 },
    gaps: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: 'boolean', default: true },
        minActiveHourFraction: { type: 'number', minimum: 0.5, maximum: 1, default: 0.97 },
        minGapMinutes: { type: 'integer', minimum: 5, default: 20 },
        periodsMissed: { type: 'number', minimum: 1, default: 3 },
      },
    },
    attributionLimit: { type: 'integer', minimum: 5, maximum: 1000, default: 16 },
    overrides: {
      description: 'Per-API tuning: the first override whose matcher fits a series applies.',
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        minProperties: 2,
        properties: {
          ...matcherProperties,
          disabled: { type: 'boolean' },
          minCount: { type: 'integer', minimum: 1 },
          minRatio: { type: 'number', minimum: 1 },
          sensitivity: { description: 'Multiplies the false-alarm budget for this series: > 1 more sensitive, < 1 quieter.', type: 'number', exclusiveMinimum: 0, maximum: 1000 },
        },
      },
    },
    suppressions: {
      description: 'Events matching every given field are not analysed at all (e.g. a known CI role).',
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        anyOf: ['eventSource', 'eventName', 'principalArn', 'userAgent', 'errorCode'].map((f) => ({ required: [f] })),
        properties: {
          eventSource: pattern,
          eventName: pattern,
          principalArn: pattern,
          userAgent: pattern,
          errorCode: pattern,
          reason: { type: 'string' },
        },
      },
    },
  },
} as const;

/** The detector configuration, every default filled in: the type the schema describes, so the two cannot drift. */
export type DetectorConfig = Omit<FromSchema<typeof detectorConfigSchema>, '$schema'>;
/** Per-API tuning: the first override whose matcher fits a series applies. */
export type Override = DetectorConfig['overrides'][number];
/** Matches series by API; every field given must match (`*` is a wildcard). */
export type SeriesMatcher = Pick<Override, 'insightType' | 'eventSource' | 'eventName' | 'errorCode'>;
/** Events matching every given field are not analysed at all. */
export type Suppression = DetectorConfig['suppressions'][number];

/** A configuration that does not match the schema; `field` is the JSON pointer of the culprit. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

const validate = new Ajv({ allErrors: false, useDefaults: true, strict: true, strictRequired: false }).compile(detectorConfigSchema);

function describe(error: ErrorObject): ConfigError {
  const at = error.instancePath || '/';
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty);
    const field = `${error.instancePath}/${extra}`;
    return new ConfigError(`config ${field}: unknown field '${extra}'`, field);
  }
  if (error.keyword === 'anyOf') {
    return new ConfigError(`config ${at}: a suppression needs at least one of eventSource, eventName, principalArn, userAgent, errorCode`, at);
  }
  return new ConfigError(`config ${at}: ${error.message ?? 'is invalid'}`, at);
}

/**
 * Validates a detector configuration and fills in every default.
 * @example parseDetectorConfig({ minRatio: 4, suppressions: [{ principalArn: '*:assumed-role/ci-deployer' }] })
 * @throws ConfigError naming the offending field
 */
export function parseDetectorConfig(input: unknown): DetectorConfig {
  const copy: unknown = input === undefined ? {} : structuredClone(input);
  if (typeof copy !== 'object' || copy === null || Array.isArray(copy)) {
    throw new ConfigError('config /: must be a JSON object', '/');
  }
  if (!validate(copy)) {
    // ajv reports each failed anyOf branch before the anyOf itself; the anyOf says it best.
    const errors = validate.errors!;
    throw describe(errors.find((error) => error.keyword === 'anyOf') ?? errors[0]!);
  }
  const config = copy as DetectorConfig & { $schema?: string };
  delete config.$schema;
  return config;
}

/** Parses configuration text (a file's content), reporting JSON syntax errors as ConfigError. */
export function parseDetectorConfigText(text: string, source = 'config'): DetectorConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${source}: not valid JSON (${(error as Error).message})`, '/');
  }
  return parseDetectorConfig(value);
}

export const DEFAULT_DETECTOR_CONFIG: DetectorConfig = parseDetectorConfig({});
