/**
 * The *insight context*: what an analyst needs beside an Insights record to see why it
 * fired and draw its chart days later — the reason, the per-minute counts around it, the
 * expected rate and the band the detector considered normal, total events and the top
 * attributions. It is a sidecar object kept beside the insight (key layout:
 * `lib/publish/context-file.ts`), never inside the AWS record, whose format stays AWS's.
 *
 * Wire format, version 1 (`v`), JSON:
 *
 *     { v: 1, sharedEventID, account, region,
 *       series: { insightType, eventSource, eventName, errorCode? },
 *       start: "YYYY-MM-DDTHH:MM:00Z", end?: "…Z" (absent while open),
 *       reason: { rule: burst | new-api | new-region | drop, … },
 *       totalEvents,
 *       chart: { from: "…Z", counts: zero-runs, expected: value-runs, upper: value-runs },
 *       attributions: AWS's attribution entries (insight vs baseline) }
 *
 * The chart covers `[start − 6 h, end + 1 h]`, or up to the last minute known when the
 * context was written (an open insight is rewritten when it ends). Counts are zero-run
 * encoded, rates value-run encoded (`run-length.ts`): a typical context is a few hundred
 * bytes of JSON instead of ~10 KB for plain arrays (README, "Insight context").
 */
import { Ajv, type ErrorObject } from 'ajv';
import type { InsightType, Series } from '../series/series.js';
import { minuteOf, minuteToIso, type Minute } from '../time/minute.js';
import type { AttributionEntry } from './record.js';
import { ATTRIBUTION_TOP } from './build.js';
import { decodeValueRuns, decodeZeroRuns, encodeValueRuns, encodeZeroRuns, valueRunLength, zeroRunLength } from './run-length.js';

/** The format version this code writes and reads; a reader refuses any other. */
export const CONTEXT_VERSION = 1;
/** The chart starts this long before the insight: a working day's worth of "normal" around it. */
export const CONTEXT_MINUTES_BEFORE = 6 * 60;
/** …and ends this long after its End, to show the return to normal. */
export const CONTEXT_MINUTES_AFTER = 60;
/** Significant digits kept of rates: a chart cannot show more, and JSON floats are long. */
const RATE_DIGITS = 4;

/**
 * Why an insight fired, in the detector's own terms.
 * - `burst`: a window of `window` minutes held `observed` events where `expected` were
 *   due, more than `peakFactor` × `peak` (the baseline's largest burst of that length),
 *   with an upper-tail probability `lnP` below the window's threshold `lnAlpha`.
 * - `new-api`: an API never called in the baseline, at least `minCount` calls.
 * - `new-region`: provisioning calls in a region the account never used, at least `minCount`.
 * - `drop`: a regular series (one event every `period` minutes) silent for `silence`
 *   minutes, more than the `needed` silence (periods missed, twice its longest silence,
 *   the minimum gap); `expected` events were due in it.
 * Probabilities are natural logs; `-Infinity` (JSON `null`) when there was no baseline
 * at all to compute one from.
 */
export type InsightReason = SpikeReason | DropReason;

export interface SpikeReason {
  rule: 'burst' | 'new-api' | 'new-region';
  window: number;
  observed: number;
  expected: number;
  lnP: number;
  lnAlpha: number;
  minCount: number;
  /** `burst` only: the baseline's largest sum over `window` minutes, and the factor above it that counts. */
  peak?: number;
  peakFactor?: number;
}

export interface DropReason {
  rule: 'drop';
  period: number;
  silence: number;
  needed: number;
  expected: number;
  lnP: number;
}

export type ReasonRule = InsightReason['rule'];

/** The per-minute arrays of a context, decoded: index `i` is minute `from + i`. */
export interface ContextChart {
  from: Minute;
  counts: number[];
  expected: number[];
  upper: number[];
}

/** A context as it is stored (JSON-ready). */
export interface InsightContext {
  v: typeof CONTEXT_VERSION;
  sharedEventID: string;
  account: string;
  region: string;
  series: Series;
  start: string;
  end?: string;
  reason: WireReason;
  totalEvents: number;
  chart: { from: string; counts: number[]; expected: number[]; upper: number[] };
  attributions: AttributionEntry[];
}

/** `InsightReason` with `-Infinity` probabilities as `null` (JSON has no infinities). */
export type WireReason = { [K in keyof SpikeReason]: K extends 'lnP' ? number | null : SpikeReason[K] } | (Omit<DropReason, 'lnP'> & { lnP: number | null });

/** What the engine knows when an insight starts or ends: plain numbers and arrays. */
export interface ContextInput {
  sharedEventID: string;
  account: string;
  region: string;
  series: Series;
  start: Minute;
  /** The End minute; absent while the insight is open. */
  end?: Minute;
  reason: InsightReason;
  /**
   * Per-minute counts, expected rates and upper band, index `i` = minute `from + i`, over
   * any range that covers what is known of `[start − 6 h, end + 1 h]`; clipped to it.
   */
  from: Minute;
  counts: ArrayLike<number>;
  expected: ArrayLike<number>;
  upper: ArrayLike<number>;
  /** Top attributions, insight vs baseline (the record's own, typically). */
  attributions?: readonly AttributionEntry[];
}

/** A context that cannot be built from its input, or a stored one that does not parse. */
export class InsightContextError extends Error {
  constructor(
    message: string,
    /** JSON pointer of the offending field, `/` for the whole object. */
    readonly path: string,
  ) {
    super(message);
    this.name = 'InsightContextError';
  }
}

const roundRate = (value: number): number => (value === 0 ? 0 : Number(value.toPrecision(RATE_DIGITS)));
/** ln probabilities to 3 decimals: 0.1 % of the probability, far finer than any threshold needs. */
const roundLn = (value: number): number => Math.round(value * 1000) / 1000;
const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? roundLn(value) : null);

function wireReason(reason: InsightReason): WireReason {
  if (reason.rule === 'drop') {
    const { period, silence, needed, expected, lnP } = reason;
    return { rule: 'drop', period: roundRate(period), silence, needed: roundRate(needed), expected: roundRate(expected), lnP: finiteOrNull(lnP) };
  }
  const { rule, window, observed, expected, lnP, lnAlpha, minCount, peak, peakFactor } = reason;
  return {
    rule,
    window,
    observed,
    expected: roundRate(expected),
    lnP: finiteOrNull(lnP),
    lnAlpha: roundLn(lnAlpha),
    minCount,
    ...(peak !== undefined && { peak }),
    ...(peakFactor !== undefined && { peakFactor }),
  };
}

/** The minutes a context's chart covers: `[start − 6 h, end + 1 h]`, or up to `knownThrough` if sooner. */
export function contextRange(start: Minute, end: Minute | undefined, knownThrough: Minute): { from: Minute; to: Minute } {
  const from = start - CONTEXT_MINUTES_BEFORE;
  const to = Math.min(end === undefined ? knownThrough : end + CONTEXT_MINUTES_AFTER, knownThrough);
  return { from, to: Math.max(to, start) };
}

/**
 * Builds the stored context of one insight from plain inputs: clips the arrays to the
 * chart range, counts the insight's events (`[start, end)`, or through the last known
 * minute while open), rounds rates, encodes.
 *
 * @example
 * const context = buildInsightContext({
 *   sharedEventID, account: '111122223333', region: 'eu-west-1',
 *   series: { insightType: 'ApiCallRateInsight', eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' },
 *   start, end, from, counts, expected, upper,
 *   reason: { rule: 'new-api', window: 5, observed: 6, expected: 0.001, lnP: -38.2, lnAlpha: -15.1, minCount: 5 },
 * });
 * @throws InsightContextError when the arrays disagree in length or do not reach the start
 */
export function buildInsightContext(input: ContextInput): InsightContext {
  const { from, counts, expected, upper, start, end } = input;
  if (expected.length !== counts.length || upper.length !== counts.length) {
    throw new InsightContextError(`counts, expected and upper must have one entry per minute (${counts.length}, ${expected.length}, ${upper.length})`, '/chart');
  }
  if (end !== undefined && end <= start) throw new InsightContextError(`end ${minuteToIso(end)} is not after start ${minuteToIso(start)}`, '/end');
  const knownThrough = from + counts.length - 1;
  if (knownThrough < start || from > start) {
    throw new InsightContextError(`the counts (${minuteToIso(from)} + ${counts.length} min) do not cover the start ${minuteToIso(start)}`, '/chart');
  }
  const range = contextRange(start, end, knownThrough);
  const a = Math.max(range.from, from) - from;
  const b = range.to - from + 1;
  const slice = (values: ArrayLike<number>, round: (value: number) => number) => Array.from({ length: b - a }, (_, i) => round(values[a + i]!));
  const chartCounts = slice(counts, (value) => value);
  for (const count of chartCounts) {
    if (!Number.isSafeInteger(count) || count < 0) throw new InsightContextError(`count ${count} is not a non-negative integer`, '/chart/counts');
  }
  let totalEvents = 0;
  const last = end === undefined ? knownThrough : end - 1;
  for (let minute = start; minute <= Math.min(last, knownThrough); minute++) totalEvents += counts[minute - from]!;
  return {
    v: CONTEXT_VERSION,
    sharedEventID: input.sharedEventID,
    account: input.account,
    region: input.region,
    series: { ...input.series },
    start: minuteToIso(start),
    ...(end !== undefined && { end: minuteToIso(end) }),
    reason: wireReason(input.reason),
    totalEvents,
    chart: {
      from: minuteToIso(from + a),
      counts: encodeZeroRuns(chartCounts),
      expected: encodeValueRuns(slice(expected, roundRate)),
      upper: encodeValueRuns(slice(upper, roundRate)),
    },
    attributions: (input.attributions ?? []).map((entry) => ({
      attribute: entry.attribute,
      insight: entry.insight.slice(0, ATTRIBUTION_TOP).map(({ value, average }) => ({ value, average })),
      baseline: entry.baseline.slice(0, ATTRIBUTION_TOP).map(({ value, average }) => ({ value, average })),
    })),
  };
}

const MINUTE_ISO = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:00Z$';
const number = { type: 'number' } as const;
const count = { type: 'integer', minimum: 0 } as const;
const probability = { type: ['number', 'null'], maximum: 0 } as const;
const attributionValues = {
  type: 'array',
  maxItems: ATTRIBUTION_TOP,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['value', 'average'],
    properties: { value: { type: 'string' }, average: { type: 'number', minimum: 0 } },
  },
} as const;

/** JSON Schema of the stored context (version 1); unknown fields are errors, so a typo never passes. */
export const insightContextSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['v', 'sharedEventID', 'account', 'region', 'series', 'start', 'reason', 'totalEvents', 'chart', 'attributions'],
  properties: {
    v: { const: CONTEXT_VERSION },
    sharedEventID: { type: 'string', minLength: 1 },
    account: { type: 'string', pattern: '^\\d{12}$' },
    region: { type: 'string', pattern: '^[a-z0-9-]+$' },
    series: {
      type: 'object',
      additionalProperties: false,
      required: ['insightType', 'eventSource', 'eventName'],
      properties: {
        insightType: { enum: ['ApiCallRateInsight', 'ApiErrorRateInsight'] satisfies InsightType[] },
        eventSource: { type: 'string', minLength: 1 },
        eventName: { type: 'string', minLength: 1 },
        errorCode: { type: 'string' },
      },
    },
    start: { type: 'string', pattern: MINUTE_ISO },
    end: { type: 'string', pattern: MINUTE_ISO },
    reason: {
      type: 'object',
      required: ['rule'],
      discriminator: { propertyName: 'rule' },
      oneOf: [
        ...(['burst', 'new-api', 'new-region'] as const).map((rule) => ({
          additionalProperties: false,
          required: ['rule', 'window', 'observed', 'expected', 'lnP', 'lnAlpha', 'minCount', ...(rule === 'burst' ? ['peak', 'peakFactor'] : [])],
          properties: {
            rule: { const: rule },
            window: { type: 'integer', minimum: 1 },
            observed: count,
            expected: { type: 'number', minimum: 0 },
            lnP: probability,
            lnAlpha: { type: 'number', maximum: 0 },
            minCount: count,
            peak: { type: 'number', minimum: 0 },
            peakFactor: { type: 'number', minimum: 0 },
          },
        })),
        {
          additionalProperties: false,
          required: ['rule', 'period', 'silence', 'needed', 'expected', 'lnP'],
          properties: {
            rule: { const: 'drop' },
            period: { type: 'number', exclusiveMinimum: 0 },
            silence: { type: 'integer', minimum: 1 },
            needed: { type: 'number', minimum: 0 },
            expected: { type: 'number', minimum: 0 },
            lnP: probability,
          },
        },
      ],
    },
    totalEvents: count,
    chart: {
      type: 'object',
      additionalProperties: false,
      required: ['from', 'counts', 'expected', 'upper'],
      properties: {
        from: { type: 'string', pattern: MINUTE_ISO },
        counts: { type: 'array', items: { type: 'integer' } },
        expected: { type: 'array', items: number },
        upper: { type: 'array', items: number },
      },
    },
    attributions: {
      type: 'array',
      maxItems: 3,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['attribute', 'insight', 'baseline'],
        properties: {
          attribute: { enum: ['userIdentityArn', 'userAgent', 'errorCode'] },
          insight: attributionValues,
          baseline: attributionValues,
        },
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: false, strict: true, strictRequired: false, strictTypes: false, discriminator: true }).compile(insightContextSchema);

function schemaError(error: ErrorObject): InsightContextError {
  const at = error.instancePath || '/';
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty);
    return new InsightContextError(`insight context ${at}: unknown field '${extra}'`, `${error.instancePath}/${extra}`);
  }
  if (error.keyword === 'discriminator') return new InsightContextError(`insight context ${at}: rule must be burst, new-api, new-region or drop`, `${error.instancePath}/rule`);
  return new InsightContextError(`insight context ${at}: ${error.message ?? 'is invalid'}`, at);
}

/**
 * Validates a stored context: the schema (no unknown fields), then what a schema cannot
 * say — end after start, chart arrays of one length that cover the start.
 *
 * @example
 * const context = parseInsightContext(JSON.parse(text));
 * const { counts, expected, upper, from } = contextChart(context);
 * @throws InsightContextError naming the offending field
 */
export function parseInsightContext(value: unknown): InsightContext {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InsightContextError('insight context /: must be a JSON object', '/');
  const version = (value as { v?: unknown }).v;
  if (version !== CONTEXT_VERSION) {
    throw new InsightContextError(`insight context /v: version ${JSON.stringify(version)} is not supported (this reader knows ${CONTEXT_VERSION})`, '/v');
  }
  if (!validate(value)) throw schemaError(validate.errors![0]!);
  const context = value as unknown as InsightContext;
  const start = minuteOf(context.start)!;
  if (context.end !== undefined && minuteOf(context.end)! <= start) {
    throw new InsightContextError(`insight context /end: ${context.end} is not after start ${context.start}`, '/end');
  }
  const { chart } = context;
  const minutes = zeroRunLength(chart.counts);
  for (const [field, length] of [['expected', valueRunLength(chart.expected)], ['upper', valueRunLength(chart.upper)]] as const) {
    if (chart[field].length % 2 !== 0 || chart[field].some((entry, i) => i % 2 === 1 && (!Number.isSafeInteger(entry) || entry < 1))) {
      throw new InsightContextError(`insight context /chart/${field}: not [value, minutes] pairs with positive whole runs`, `/chart/${field}`);
    }
    if (length !== minutes) {
      throw new InsightContextError(`insight context /chart/${field}: covers ${length} minutes, counts cover ${minutes}`, `/chart/${field}`);
    }
  }
  const from = minuteOf(chart.from)!;
  if (from > start || from + minutes - 1 < start) {
    throw new InsightContextError(`insight context /chart: ${chart.from} + ${minutes} min does not cover the start ${context.start}`, '/chart');
  }
  return context;
}

/** Parses a stored context's text. @throws InsightContextError, also for JSON syntax errors */
export function parseInsightContextText(text: string, source = 'insight context'): InsightContext {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InsightContextError(`${source}: not valid JSON (${(error as Error).message})`, '/');
  }
  return parseInsightContext(value);
}

/** The chart's per-minute arrays, decoded (`from` as a minute number). */
export function contextChart(context: InsightContext): ContextChart {
  return {
    from: minuteOf(context.chart.from)!,
    counts: decodeZeroRuns(context.chart.counts),
    expected: decodeValueRuns(context.chart.expected),
    upper: decodeValueRuns(context.chart.upper),
  };
}

/** The reason with JSON's `null` probabilities back as `-Infinity`. */
export function contextReason(context: Pick<InsightContext, 'reason'>): InsightReason {
  const { lnP, ...rest } = context.reason;
  return { ...rest, lnP: lnP ?? Number.NEGATIVE_INFINITY } as InsightReason;
}
