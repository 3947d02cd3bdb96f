import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CountWindow } from '../../../lib/aggregate/count-window.js';
import type { Contribution } from '../../../lib/aggregate/types.js';
import { hourStatsOf } from '../../../lib/baseline/hour-stats.js';
import { SeriesModel } from '../../../lib/baseline/model.js';
import { applyRollups, rollupHour, TRIM_SLACK_HOURS } from '../../../lib/baseline/rollup.js';
import type { HourRollup, SeriesBaseline } from '../../../lib/baseline/types.js';
import { DAY, ORIGIN, counts, modelOf, poisson, random } from '../detect/constructed-series.js';

const hour = (cells: Partial<Record<number, number>>) => Float64Array.from({ length: 60 }, (_, i) => cells[i] ?? 0);

describe('Function: hourStatsOf', () => {
  it.each([
    { name: 'an empty hour', cells: {}, expected: { count: 0, activeMinutes: 0, leadingIdle: 60, trailingIdle: 60, longestIdle: 60 } },
    { name: 'one event at :17', cells: { 17: 1 }, expected: { count: 1, sumSquares: 1, peak1: 1, leadingIdle: 17, trailingIdle: 42, longestIdle: 42 } },
    { name: 'a burst of 3 minutes', cells: { 10: 5, 11: 7, 12: 3 }, expected: { count: 15, sumSquares: 83, peak1: 7, peak5: 15, peak15: 15, activeMinutes: 3 } },
    { name: 'every 5 minutes', cells: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [i * 5, 2])), expected: { count: 24, peak5: 2, peak15: 6, activeMinutes: 12, longestIdle: 4, trailingIdle: 4 } },
  ])('summarises $name', ({ cells, expected }) => {
    expect(hourStatsOf(hour(cells))).toMatchObject(expected);
  });

  it('matches brute force on arbitrary hours', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(20), { minLength: 60, maxLength: 60 }), (values) => {
        const stats = hourStatsOf(values);
        const window = (w: number) => Math.max(...values.map((_, i) => values.slice(Math.max(0, i - w + 1), i + 1).reduce((a, b) => a + b, 0)));
        expect(stats.count).toBe(values.reduce((a, b) => a + b, 0));
        expect(stats.sumSquares).toBe(values.reduce((a, b) => a + b * b, 0));
        expect([stats.peak1, stats.peak5, stats.peak15]).toEqual([window(1), window(5), window(15)]);
        expect(stats.activeMinutes).toBe(values.filter((v) => v > 0).length);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects anything but 60 minutes', () => expect(() => hourStatsOf([1, 2])).toThrow(RangeError));
});

describe('Class: SeriesModel', () => {
  it('learns a daily cycle: busy afternoons, quiet nights, quiet weekends', () => {
    // Prepare: 14 days from a Monday, 3/min 13:00-17:00 on weekdays, 0.05/min otherwise.
    const rand = random(7);
    const history = counts(14 * DAY, (minute) => {
      const ofDay = (minute - ORIGIN) % DAY;
      const weekday = Math.floor((minute - ORIGIN) / DAY) % 7 < 5;
      return poisson(rand, weekday && ofDay >= 780 && ofDay < 1020 ? 3 : 0.05);
    });
    // Act
    const { model } = modelOf(history, 14);
    // Assess
    const monday = ORIGIN + 14 * DAY;
    expect(model.rate(monday + 15 * 60)).toBeGreaterThan(1.5);
    expect(model.rate(monday + 3 * 60)).toBeLessThan(0.3);
    expect(model.rate(monday + 5 * DAY + 15 * 60)).toBeLessThan(model.rate(monday + 15 * 60) / 2);
  });

  it('measures burstiness: heavier tails for bursty series than for Poisson ones', () => {
    const rand = random(9);
    const poissonLike = modelOf(counts(7 * DAY, () => poisson(rand, 1))).model;
    const bursty = modelOf(counts(7 * DAY, (minute) => ((minute - ORIGIN) % 97 === 0 ? 60 : 0) + poisson(rand, 0.4))).model;
    expect(poissonLike.size(5)).toBeGreaterThan(50);
    expect(bursty.size(5)).toBeLessThan(1);
  });

  it('gives a never-seen series a tiny but positive rate once the account is observed', () => {
    const model = new SeriesModel(undefined, { observedFrom: ORIGIN, lastRolledHour: ORIGIN / 60 + 7 * 24 - 1, baselineDays: 7 });
    expect(model.observedHours).toBe(168);
    expect(model.rate(ORIGIN + 7 * DAY)).toBeCloseTo(0.5 / (168 * 60), 8);
  });

  it('knows nothing before any hour closed', () => {
    const model = new SeriesModel(undefined, { observedFrom: ORIGIN, lastRolledHour: undefined, baselineDays: 7 });
    expect([model.observedHours, model.rate(ORIGIN)]).toEqual([0, 0]);
  });

  it('ignores baseline hours outside the window and before observation began', () => {
    const baseline: SeriesBaseline = { id: 'x', hours: [[ORIGIN / 60 - 5, hourStatsOf(hour({ 1: 100 }))], [ORIGIN / 60 + 1, hourStatsOf(hour({ 1: 6 }))]] };
    const model = new SeriesModel(baseline, { observedFrom: ORIGIN, lastRolledHour: ORIGIN / 60 + 2, baselineDays: 7 });
    expect(model.total).toBe(6);
    expect(model.observedHours).toBe(3);
  });

  it('measures the longest silence without counting one still going at the end', () => {
    const history = counts(3 * DAY, (minute) => ((minute - ORIGIN) % 10 === 0 && minute < ORIGIN + 2 * DAY ? 1 : 0));
    expect(modelOf(history).model.longestIdle).toBe(9);
  });
});

describe('Functions: rollupHour and applyRollups', () => {
  const contribution = (objectId: string, minute: number, count: number): Contribution => ({
    objectId,
    account: '111111111111',
    region: 'us-east-1',
    series: [{ id: 'c|s|A', minutes: [{ minute, count, attributions: { userIdentityArn: [['alice', count]], userAgent: [], errorCode: [] } }] }],
  });

  it('rolls an hour from several contributions and overwrites its slot when rolled again', () => {
    // Prepare
    const h = ORIGIN / 60;
    const first = CountWindow.of([contribution('a', ORIGIN + 5, 2)], ORIGIN, ORIGIN + 59);
    const again = CountWindow.of([contribution('a', ORIGIN + 5, 2), contribution('late', ORIGIN + 50, 3)], ORIGIN, ORIGIN + 59);
    const baselines = new Map<string, SeriesBaseline>();
    // Act
    applyRollups(baselines, [rollupHour(first, h, 16)], h - 100);
    const changed = applyRollups(baselines, [rollupHour(again, h, 16)], h - 100);
    // Assess: replaced, not added (late data re-rolled is idempotent).
    expect(changed).toHaveLength(1);
    expect(baselines.get('c|s|A')!.hours).toEqual([[h, hourStatsOf(hour({ 5: 2, 50: 3 }))]]);
    expect(rollupHour(again, h, 16).series[0]!.attributions.userIdentityArn).toEqual([['alice', 5]]);
  });

  it('keeps hours sorted and drops those before the retention start, leaving empty baselines for deletion', () => {
    const h = ORIGIN / 60;
    const baselines = new Map<string, SeriesBaseline>();
    for (const offset of [3, 1, 2]) {
      const w = CountWindow.of([contribution('a', ORIGIN + offset * 60 + 1, 1)], ORIGIN + offset * 60, ORIGIN + offset * 60 + 59);
      applyRollups(baselines, [rollupHour(w, h + offset, 16)], h);
    }
    expect(baselines.get('c|s|A')!.hours.map(([hourOf]) => hourOf - h)).toEqual([1, 2, 3]);
    // Expired hours alone do not cause a rewrite until they are a day past the window …
    expect(applyRollups(baselines, [], h + 10)).toEqual([]);
    // … then the baseline is trimmed (here to nothing, for deletion).
    const changed = applyRollups(baselines, [], h + 10 + TRIM_SLACK_HOURS);
    expect(changed[0]!.hours).toEqual([]);
  });

  it('merges many rollups at once exactly as applying them one at a time (property)', () => {
    // The reference: each rollup overwrites its hour's slot in turn, later ones winning.
    const oneAtATime = (start: Map<string, SeriesBaseline>, rollups: HourRollup[]) => {
      const baselines = new Map(start);
      for (const rollup of rollups) {
        for (const { id, stats } of rollup.series) {
          const hours = (baselines.get(id)?.hours ?? []).filter(([hour]) => hour !== rollup.hour);
          hours.push([rollup.hour, stats]);
          baselines.set(id, { id, hours: hours.sort((a, b) => a[0] - b[0]) });
        }
      }
      return baselines;
    };
    const ids = ['c|s|A', 'c|s|B', 'e|s|A|X'];
    const stats = (count: number) => hourStatsOf(hour({ 7: count }));
    const hoursArb = fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...ids), hoursArb), { maxLength: 3 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.subarray(ids), fc.integer({ min: 1, max: 9 })), { maxLength: 30 }),
        (existing, added) => {
          const start = new Map<string, SeriesBaseline>();
          for (const [id, hours] of existing) start.set(id, { id, hours: [...hours].sort((a, b) => a - b).map((h) => [h, stats(1)]) });
          const rollups: HourRollup[] = added.map(([h, which, count]) => ({
            hour: h,
            series: which.map((id) => ({ id, stats: stats(count), attributions: { userIdentityArn: [], userAgent: [], errorCode: [] } })),
          }));
          const merged = new Map(start);
          applyRollups(merged, rollups, Number.NEGATIVE_INFINITY);
          expect(merged).toEqual(oneAtATime(start, rollups));
        },
      ),
      { numRuns: 500 },
    );
  });
});
