/**
 * The reason an insight fired, in words: a short form for a table cell or a chat title,
 * a full form for `--explain`, the report and pages. Both read the same `InsightReason`
 * (`context.ts`), so every place a person reads it says the same thing.
 */
import type { InsightReason } from './context.js';

const LN10 = Math.log(10);

/** `10^-14.2`: tail probabilities span hundreds of orders of magnitude; the exponent is what matters. */
export function formatProbability(lnP: number): string {
  if (lnP === Number.NEGATIVE_INFINITY) return '0 (no baseline)';
  const exponent = lnP / LN10;
  if (exponent > -2) return (Math.exp(lnP)).toPrecision(2);
  return `10^${exponent.toFixed(1)}`;
}

/** A count or rate as a person reads it: whole numbers plain, small rates with 2 significant digits. */
export function formatAmount(value: number): string {
  if (Number.isInteger(value)) return String(value);
  if (value >= 100) return value.toFixed(0);
  if (value >= 1) return value.toFixed(1);
  return value === 0 ? '0' : value.toPrecision(2);
}

const minutes = (n: number): string => (n % 60 === 0 && n >= 60 ? `${n / 60} h` : `${formatAmount(n)} min`);
const ratio = (observed: number, expected: number): string => {
  if (expected <= 0) return 'none expected';
  const times = observed / expected;
  return `${times >= 10 ? times.toFixed(0) : formatAmount(times)}× normal`;
};

const SHORT_RULE: Record<InsightReason['rule'], string> = {
  burst: 'burst',
  'new-api': 'new API',
  'new-region': 'new region',
  drop: 'silent',
};

/**
 * One line of at most ~40 characters, for a table cell or a chat title.
 * @example reasonShort({ rule: 'burst', window: 5, observed: 37, expected: 0.41, lnP: -32.6, lnAlpha: -17.1, minCount: 10, peak: 12, peakFactor: 1.5 })
 * // → 'burst 37 in 5 min (exp 0.41) p 10^-14.2'
 */
export function reasonShort(reason: InsightReason): string {
  if (reason.rule === 'drop') return `${SHORT_RULE.drop} ${minutes(reason.silence)} (every ${minutes(reason.period)})`;
  return `${SHORT_RULE[reason.rule]} ${reason.observed} in ${minutes(reason.window)} (exp ${formatAmount(reason.expected)}) p ${formatProbability(reason.lnP)}`;
}

/**
 * The whole reason in sentences: the rule, the window that fired, observed vs expected,
 * the tail probability against its threshold.
 * @example reasonFull({ rule: 'drop', period: 5, silence: 45, needed: 24, expected: 9.2, lnP: -9.4 })
 * // → 'Regular activity stopped: no event for 45 min, where one came every 5 min …'
 */
export function reasonFull(reason: InsightReason): string {
  if (reason.rule === 'drop') {
    return (
      `Regular activity stopped: no event for ${minutes(reason.silence)}, where one came every ${minutes(reason.period)}` +
      ` (a silence counts from ${minutes(reason.needed)}: missed periods, twice the longest silence in the baseline, the minimum gap).` +
      ` ${formatAmount(reason.expected)} events were expected in it; probability of such a silence ${formatProbability(reason.lnP)}.`
    );
  }
  const tail = `tail probability ${formatProbability(reason.lnP)}, threshold ${formatProbability(reason.lnAlpha)} for ${minutes(reason.window)} windows.`;
  const observed = `${reason.observed} events in ${minutes(reason.window)} where ${formatAmount(reason.expected)} were expected (${ratio(reason.observed, reason.expected)})`;
  switch (reason.rule) {
    case 'burst': {
      const peak = reason.peak ?? 0;
      const factor = reason.peakFactor ?? 1;
      return (
        `Burst above the baseline's own peaks: ${observed}; the largest ${minutes(reason.window)} burst in the baseline was ${formatAmount(peak)}` +
        ` (unusual above ${formatAmount(factor)}× that, ${formatAmount(factor * peak)}); ${tail}`
      );
    }
    case 'new-api':
      return `API never called in the baseline: ${observed}; at least ${reason.minCount} calls of a never-called API count; ${tail}`;
    case 'new-region':
      return `Provisioning in a region the account never used: ${observed}; at least ${reason.minCount} calls count; ${tail}`;
  }
}
