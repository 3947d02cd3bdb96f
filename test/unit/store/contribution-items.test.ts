import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode } from '../../../lib/store/codec.js';
import {
  DEFAULT_MAX_ITEM_BYTES,
  TRANSACTION_MAX_BYTES,
  decodedSeries,
  mergeParts,
  planApply,
} from '../../../lib/store/contribution-items.js';
import { ContributionTooLargeError } from '../../../lib/store/errors.js';
import { dayOf } from '../../../lib/time/minute.js';
import { ARBITRARY_RANGE, DAY0, contribution, normalize, objectArbitrary, toContributions } from '../../contract/helpers.js';
import { contributionsOf, readRecords, stratusFiles } from '../../contract/real-contributions.js';

const scopes = [['111111111111', 'us-east-1'], ['111111111111', 'eu-west-1'], ['222222222222', 'us-east-1']] as const;
const objectId = 'trail-bucket/AWSLogs/111111111111/CloudTrail/us-east-1/2023/07/10/f.json.gz';

describe('Function: planApply', () => {
  it('writes every real Stratus file as one item of at most 2 KB', () => {
    for (const file of stratusFiles()) {
      const plan = planApply(objectId, contributionsOf(objectId, readRecords(file)), DEFAULT_MAX_ITEM_BYTES);
      expect(['none', 'single']).toContain(plan.mode);
      for (const item of plan.items) expect(item.bytes).toBeLessThanOrEqual(2048);
    }
  });

  it('keys an item by account-region-day and its last minute', () => {
    const c = contribution(objectId, '111111111111', 'us-east-1', { 'c|a|X': [[DAY0 + 3, 1], [DAY0 + 9, 2]] });

    const plan = planApply(objectId, [c], DEFAULT_MAX_ITEM_BYTES);

    expect(plan.mode).toBe('single');
    expect(plan.items[0]).toMatchObject({
      pk: `C#111111111111#us-east-1#${dayOf(DAY0)}`,
      sk: `00${DAY0 + 9}#${objectId}`,
      min: DAY0 + 3,
      max: DAY0 + 9,
    });
    expect(plan.items[0]?.part).toBeUndefined();
    expect(decode(plan.items[0]?.d ?? new Uint8Array())).toEqual(c.series);
  });

  it('splits within the item budget, deterministically, and merges back to the input (property)', () => {
    fc.assert(
      fc.property(objectArbitrary(scopes.length), fc.integer({ min: 900, max: 6000 }), (generated, maxItemBytes) => {
        const contributions = toContributions(objectId, generated, scopes);

        const plan = planApply(objectId, contributions, maxItemBytes);

        expect(plan.mode).toBe(plan.items.length > 1 ? 'transaction' : 'single');
        for (const item of plan.items) {
          expect(item.bytes).toBeLessThanOrEqual(maxItemBytes);
          expect(dayOf(item.min)).toBe(item.day);
          expect(dayOf(item.max)).toBe(item.day);
        }
        expect(new Set(plan.items.map((i) => `${i.pk} ${i.sk}`)).size).toBe(plan.items.length);
        expect(planApply(objectId, contributions, maxItemBytes)).toEqual(plan);
        const merged = contributions.flatMap((c) =>
          mergeParts(c.account, c.region, plan.items.filter((i) => i.account === c.account && i.region === c.region), ARBITRARY_RANGE.from, ARBITRARY_RANGE.to, decodedSeries),
        );
        expect(normalize(merged)).toEqual(normalize(contributions));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a single minute bigger than an item', () => {
    const c = contribution(objectId, '111111111111', 'us-east-1', { 'c|a|X': [[DAY0, 1]] });

    expect(() => planApply(objectId, [c], 200)).toThrow(ContributionTooLargeError);
    expect(() => planApply(objectId, [c], 200)).toThrow(/one minute of c\|a\|X encodes to \d+ bytes/);
  });

  it('refuses more than 4 MB in one transaction', () => {
    // 120 days of one series at one minute a day: 120 items, above 99 actions...
    const daily = Array.from({ length: 120 }, (_, i): [number, number] => [DAY0 + i * 1440, 1]);
    expect(() => planApply(objectId, [contribution(objectId, '1', 'r', { 'c|a|X': daily })], DEFAULT_MAX_ITEM_BYTES)).toThrow(/a transaction holds 99 plus the ledger/);
    // ...and 4.6 MB of incompressible attributions in 20 items, above the byte limit.
    const noise = (n: number): Array<[string, number]> => Array.from({ length: n }, () => [randomBytes(24).toString('base64'), 1]);
    const heavy = {
      objectId,
      account: '1',
      region: 'r',
      series: Array.from({ length: 20 }, (_, s) => ({ id: `c|a|S${s}`, minutes: [{ minute: DAY0 + s, count: 1, attributions: { userIdentityArn: noise(9000), userAgent: [], errorCode: [] } }] })),
    };
    expect(() => planApply(objectId, [heavy], DEFAULT_MAX_ITEM_BYTES)).toThrow(new RegExp(`a transaction holds ${TRANSACTION_MAX_BYTES}`));
    // Compressing 4.6 MB of noise three times takes a few seconds on a slow machine.
  }, 30_000);
});

describe('Function: mergeParts', () => {
  it('trims to the window, merges parts of one object and drops what is left empty', () => {
    const a = contribution('a', '1', 'r', { 'c|a|X': [[10, 1], [1450, 2]], 'c|a|Y': [[30, 3]] });
    const b = contribution('b', '1', 'r', { 'c|a|X': [[40, 4]] });
    const parts = [...planApply('a', [a], DEFAULT_MAX_ITEM_BYTES).items, ...planApply('b', [b], DEFAULT_MAX_ITEM_BYTES).items];
    expect(parts).toHaveLength(3);

    expect(mergeParts('1', 'r', parts, 15, 35, decodedSeries)).toEqual([contribution('a', '1', 'r', { 'c|a|Y': [[30, 3]] })]);
    expect(mergeParts('1', 'r', parts.reverse(), 0, 2000, decodedSeries)).toEqual([a, b]);
    expect(mergeParts('1', 'r', parts, 1451, 2000, decodedSeries)).toEqual([]);
  });
});
