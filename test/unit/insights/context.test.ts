import { describe, expect, it } from 'vitest';
import {
  buildInsightContext,
  contextChart,
  contextReason,
  CONTEXT_MINUTES_AFTER,
  CONTEXT_MINUTES_BEFORE,
  InsightContextError,
  parseInsightContext,
  parseInsightContextText,
  type ContextInput,
  type InsightContext,
} from '../../../lib/insights/context.js';
import { minuteOf } from '../../../lib/time/minute.js';

const START = minuteOf('2024-02-24T03:09:00Z')!;
const FROM = START - 600;
/** Ten hours before the start and three after, one event every 37 minutes, a 6-per-minute burst of 9 minutes. */
const counts = Array.from({ length: 780 }, (_, i) => (i >= 600 && i < 609 ? 6 : i % 37 === 0 ? 1 : 0));
const hourly = (i: number) => 0.02 + 0.001 * Math.floor((FROM + i) / 60 - Math.floor(FROM / 60));

const input = (overrides: Partial<ContextInput> = {}): ContextInput => ({
  sharedEventID: '1a57538d-3848-510d-adcc-4fbef20763fc',
  account: '643794460082',
  region: 'us-east-1',
  series: { insightType: 'ApiCallRateInsight', eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' },
  start: START,
  end: START + 9,
  reason: { rule: 'new-api', window: 5, observed: 30, expected: 0.0012345678, lnP: -120.5, lnAlpha: -15.1, minCount: 5 },
  from: FROM,
  counts,
  expected: counts.map((_, i) => hourly(i)),
  upper: counts.map(() => 3),
  attributions: [
    {
      attribute: 'userIdentityArn',
      insight: [{ value: 'arn:aws:iam::643794460082:user/tf-state-admin', average: 6 }],
      baseline: [],
    },
  ],
  ...overrides,
});

describe('Function: buildInsightContext', () => {
  it('keeps [start − 6 h, end + 1 h] of the counts and counts the insight window [start, end)', () => {
    const context = buildInsightContext(input());
    const chart = contextChart(context);

    expect(chart.from).toBe(START - CONTEXT_MINUTES_BEFORE);
    expect(chart.counts).toHaveLength(CONTEXT_MINUTES_BEFORE + 9 + CONTEXT_MINUTES_AFTER + 1);
    expect(chart.counts).toEqual(counts.slice(600 - CONTEXT_MINUTES_BEFORE, 600 + 9 + CONTEXT_MINUTES_AFTER + 1));
    expect(context.totalEvents).toBe(54);
    expect(context.start).toBe('2024-02-24T03:09:00Z');
    expect(context.end).toBe('2024-02-24T03:18:00Z');
  });

  it('keeps an open insight up to the last minute known, without an end', () => {
    const known = 600 + 30;
    const context = buildInsightContext(
      input({ end: undefined, counts: counts.slice(0, known), expected: counts.slice(0, known).map((_, i) => hourly(i)), upper: Array(known).fill(3) }),
    );
    const chart = contextChart(context);

    expect(context.end).toBeUndefined();
    expect(chart.from + chart.counts.length - 1).toBe(FROM + known - 1);
    // 9 burst minutes of 6, and the periodic event at minute 629 (= 17 × 37).
    expect(context.totalEvents).toBe(54 + 1);
  });

  it('rounds rates to 4 significant digits and stores them as hourly runs', () => {
    const context = buildInsightContext(input());

    expect(context.reason.expected).toBe(0.001235);
    expect(context.chart.upper).toEqual([3, 430]);
    expect(context.chart.expected.length).toBeLessThanOrEqual(2 * 9);
    expect(contextChart(context).expected[0]).toBe(Number(hourly(600 - CONTEXT_MINUTES_BEFORE).toPrecision(4)));
  });

  it('is far smaller than plain arrays', () => {
    const context = buildInsightContext(input());
    const chart = contextChart(context);
    const plain = JSON.stringify({ ...context, chart });

    expect(JSON.stringify(context).length * 5).toBeLessThan(plain.length);
  });

  it('stores a probability of zero (no baseline at all) as null and reads it back as -Infinity', () => {
    const reason = { rule: 'new-region', window: 1, observed: 3, expected: 0, lnP: Number.NEGATIVE_INFINITY, lnAlpha: -17, minCount: 3 } as const;
    const context = buildInsightContext(input({ reason }));
    const parsed = parseInsightContextText(JSON.stringify(context));

    expect(context.reason.lnP).toBeNull();
    expect(contextReason(parsed)).toEqual(reason);
  });

  it.each([
    ['arrays of different lengths', { upper: [1] }, /one entry per minute/],
    ['an end before the start', { end: START - 1 }, /not after start/],
    ['counts that start after the start', { from: START + 1 }, /do not cover the start/],
    ['counts that end before the start', { counts: counts.slice(0, 10), expected: Array(10).fill(0), upper: Array(10).fill(0) }, /do not cover the start/],
    ['a negative count', { counts: counts.map((n, i) => (i === 600 ? -1 : n)) }, /not a non-negative integer/],
  ])('refuses %s', (_name, overrides, message) => {
    expect(() => buildInsightContext(input(overrides as Partial<ContextInput>))).toThrow(message);
    expect(() => buildInsightContext(input(overrides as Partial<ContextInput>))).toThrow(InsightContextError);
  });
});

describe('Function: parseInsightContext', () => {
  const valid = (): InsightContext => JSON.parse(JSON.stringify(buildInsightContext(input()))) as InsightContext;
  const withChange = (change: (context: Record<string, any>) => void): unknown => {
    const context = valid() as unknown as Record<string, any>;
    change(context);
    return context;
  };

  it('accepts what the builder writes, for every rule', () => {
    const reasons: ContextInput['reason'][] = [
      { rule: 'burst', window: 15, observed: 400, expected: 12, lnP: -60, lnAlpha: -17.2, minCount: 10, peak: 90, peakFactor: 1.5 },
      { rule: 'new-api', window: 1, observed: 6, expected: 0.001, lnP: -30, lnAlpha: -17, minCount: 5 },
      { rule: 'new-region', window: 5, observed: 4, expected: 0, lnP: Number.NEGATIVE_INFINITY, lnAlpha: -16, minCount: 3 },
      { rule: 'drop', period: 5, silence: 45, needed: 24, expected: 9.2, lnP: -9.4 },
    ];
    for (const reason of reasons) {
      const context = buildInsightContext(input({ reason }));
      expect(parseInsightContext(JSON.parse(JSON.stringify(context)))).toEqual(context);
    }
  });

  const testCases: { name: string; value: unknown; path: string; message: RegExp }[] = [
    { name: 'not an object', value: [], path: '/', message: /must be a JSON object/ },
    { name: 'another version', value: withChange((c) => (c.v = 2)), path: '/v', message: /version 2 is not supported/ },
    { name: 'an unknown field', value: withChange((c) => (c.chart.lower = [])), path: '/chart/lower', message: /unknown field 'lower'/ },
    { name: 'an unknown rule', value: withChange((c) => (c.reason.rule = 'spike')), path: '/reason/rule', message: /rule must be burst, new-api, new-region or drop/ },
    { name: 'a burst without its peak', value: withChange((c) => Object.assign(c.reason, { rule: 'burst', peakFactor: 1.5 })), path: '/reason', message: /required property 'peak'/ },
    { name: 'a drop with a window', value: withChange((c) => (c.reason = { rule: 'drop', period: 5, silence: 40, needed: 20, expected: 8, lnP: -3, window: 5 })), path: '/reason/window', message: /unknown field 'window'/ },
    { name: 'a start that is not a minute', value: withChange((c) => (c.start = '2024-02-24T03:09:30Z')), path: '/start', message: /must match pattern/ },
    { name: 'a short account', value: withChange((c) => (c.account = '6437')), path: '/account', message: /must match pattern/ },
    { name: 'an end before the start', value: withChange((c) => (c.end = '2024-02-24T03:00:00Z')), path: '/end', message: /not after start/ },
    { name: 'a band shorter than the counts', value: withChange((c) => (c.chart.upper = [3, 10])), path: '/chart/upper', message: /covers 10 minutes, counts cover 430/ },
    { name: 'runs that are not pairs', value: withChange((c) => (c.chart.expected = [0.1, 400, 0.2])), path: '/chart/expected', message: /pairs/ },
    { name: 'a chart that misses the start', value: withChange((c) => (c.chart.from = '2024-02-25T00:00:00Z')), path: '/chart', message: /does not cover the start/ },
    { name: 'a fractional count', value: withChange((c) => (c.chart.counts[0] = -0.5)), path: '/chart/counts/0', message: /must be integer/ },
    { name: 'six attribution values', value: withChange((c) => (c.attributions[0].insight = Array(6).fill({ value: 'x', average: 1 }))), path: '/attributions/0/insight', message: /must NOT have more than 5 items/ },
  ];

  it.each(testCases)('refuses $name, naming $path', ({ value, path, message }) => {
    let error: unknown;
    try {
      parseInsightContext(value);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(InsightContextError);
    expect((error as InsightContextError).path).toBe(path);
    expect((error as Error).message).toMatch(message);
  });

  it('reports JSON syntax errors as InsightContextError', () => {
    expect(() => parseInsightContextText('{"v":1,', 'ctx.json.gz')).toThrow(/ctx.json.gz: not valid JSON/);
  });
});
