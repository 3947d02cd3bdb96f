import { describe, expect, it } from 'vitest';
import type { InsightReason } from '../../../lib/insights/context.js';
import { formatProbability, reasonFull, reasonShort } from '../../../lib/insights/reason-text.js';

const burst: InsightReason = { rule: 'burst', window: 5, observed: 37, expected: 0.41, lnP: -32.7, lnAlpha: -17.1, minCount: 10, peak: 12, peakFactor: 1.5 };
const newApi: InsightReason = { rule: 'new-api', window: 1, observed: 6, expected: 0.0004, lnP: -38.2, lnAlpha: -17.1, minCount: 5 };
const newRegion: InsightReason = { rule: 'new-region', window: 60, observed: 4, expected: 0, lnP: Number.NEGATIVE_INFINITY, lnAlpha: -12.9, minCount: 3 };
const drop: InsightReason = { rule: 'drop', period: 5, silence: 45, needed: 24, expected: 9.2, lnP: -9.4 };

describe('Function: reasonShort', () => {
  const testCases: { reason: InsightReason; text: string }[] = [
    { reason: burst, text: 'burst 37 in 5 min (exp 0.41) p 10^-14.2' },
    { reason: newApi, text: 'new API 6 in 1 min (exp 0.00040) p 10^-16.6' },
    { reason: newRegion, text: 'new region 4 in 1 h (exp 0) p 0 (no baseline)' },
    { reason: drop, text: 'silent 45 min (every 5 min)' },
  ];
  it.each(testCases)('says $text', ({ reason, text }) => {
    expect(reasonShort(reason)).toBe(text);
    expect(reasonShort(reason).length).toBeLessThanOrEqual(48);
  });
});

describe('Function: reasonFull', () => {
  const testCases: { reason: InsightReason; text: string }[] = [
    {
      reason: burst,
      text:
        "Burst above the baseline's own peaks: 37 events in 5 min where 0.41 were expected (90× normal); the largest 5 min burst in the baseline was 12" +
        ' (unusual above 1.5× that, 18); tail probability 10^-14.2, threshold 10^-7.4 for 5 min windows.',
    },
    {
      reason: newApi,
      text:
        'API never called in the baseline: 6 events in 1 min where 0.00040 were expected (15000× normal); at least 5 calls of a never-called API count;' +
        ' tail probability 10^-16.6, threshold 10^-7.4 for 1 min windows.',
    },
    {
      reason: newRegion,
      text:
        'Provisioning in a region the account never used: 4 events in 1 h where 0 were expected (none expected); at least 3 calls count;' +
        ' tail probability 0 (no baseline), threshold 10^-5.6 for 1 h windows.',
    },
    {
      reason: drop,
      text:
        'Regular activity stopped: no event for 45 min, where one came every 5 min (a silence counts from 24 min: missed periods, twice the longest' +
        ' silence in the baseline, the minimum gap). 9.2 events were expected in it; probability of such a silence 10^-4.1.',
    },
  ];
  it.each(testCases)('explains the $reason.rule rule', ({ reason, text }) => {
    expect(reasonFull(reason)).toBe(text);
  });
});

describe('Function: formatProbability', () => {
  it.each([
    [Math.log(0.05), '0.050'],
    [Math.log(1e-7), '10^-7.0'],
    [-1000, '10^-434.3'],
    [Number.NEGATIVE_INFINITY, '0 (no baseline)'],
  ])('formats ln %d as %s', (lnP, text) => {
    expect(formatProbability(lnP)).toBe(text);
  });
});
