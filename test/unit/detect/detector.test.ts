import { describe, expect, it } from 'vitest';
import { detectAnomalies, findGap, findGapEnd, findSpike, findSpikeEnd } from '../../../lib/detect/detector.js';
import { GROUP_EVENT_SOURCE, GroupName } from '../../../lib/series/series.js';
import { CALL_RATE, DAY, ORIGIN, configWith, counts, modelOf, poisson, random, rules } from './constructed-series.js';

const WEEK = 7 * DAY;

/** A week of history plus a day to test on, from one count function. */
function scenario(countAt: (minute: number, rand: () => number) => number, seed = 1) {
  const rand = random(seed);
  const all = counts(WEEK + DAY, (minute) => countAt(minute, rand));
  const { model } = modelOf(all.subarray(0, WEEK));
  return { all, model, from: ORIGIN, today: ORIGIN + WEEK };
}

const background = (rate: number) => (_minute: number, rand: () => number) => poisson(rand, rate);
const withBurst = (rate: number, at: number, length: number, extra: number) => (minute: number, rand: () => number) =>
  poisson(rand, rate) + (minute >= at && minute < at + length ? extra : 0);

describe('Function: findSpike', () => {
  const today = ORIGIN + WEEK;
  const testCases = [
    { name: 'a one-minute-scale burst on a quiet series', countAt: withBurst(0.5, today + 600, 3, 20), expect: { start: today + 600, by: today + 601 } },
    { name: 'a two-hour 3× elevation of a busy series', countAt: withBurst(2, today + 300, 120, 4), expect: { start: today + 300, by: today + 330 } },
    { name: 'a first-ever burst of a never-seen API in a mature account', countAt: withBurst(0, today + 100, 5, 4), expect: { start: today + 100, by: today + 104 } },
    { name: 'noise only, busy series', countAt: background(2), expect: undefined },
    { name: 'noise only, quiet series', countAt: background(0.05), expect: undefined },
    { name: 'a never-seen API called 4 times, under its minimum (newSeriesMinCount 5)', countAt: withBurst(0, today + 100, 2, 2), expect: undefined },
    { name: 'a never-seen API called 6 times in 3 minutes', countAt: withBurst(0, today + 100, 3, 2), expect: { start: today + 100, by: today + 103 } },
    { name: 'a known quiet API called 6 times, under the normal minimum (10)', countAt: withBurst(0.005, today + 100, 3, 2), expect: undefined },
  ];

  it.each(testCases)('$name', ({ countAt, expect: expected }) => {
    // Prepare
    const { all, model } = scenario(countAt);
    // Act: every window ending anywhere in the test day.
    const spike = findSpike({ counts: all, from: ORIGIN }, model, rules(model), today, today + DAY - 1);
    // Assess
    if (expected === undefined) {
      expect(spike).toBeUndefined();
      return;
    }
    expect(spike).toBeDefined();
    // Dated from where the unusual activity began (±2 minutes of noise), found soon after.
    expect(Math.abs(spike!.start - expected.start)).toBeLessThanOrEqual(2);
    expect(spike!.end).toBeLessThanOrEqual(expected.by);
    expect(spike!.logP).toBeLessThan(Math.log(1e-6));
  });

  it('treats a recurring deploy burst as normal, but not one far larger', () => {
    // Prepare: a 50-call deploy at 10:00 every day, and today one of 50 and later one of 150.
    const deploy = (minute: number, rand: () => number) => {
      const ofDay = (minute - ORIGIN) % DAY;
      const day = Math.floor((minute - ORIGIN) / DAY);
      const size = day === 7 && ofDay >= 900 ? 150 : 50;
      return poisson(rand, 0.2) + ((ofDay >= 600 && ofDay < 603) || (day === 7 && ofDay >= 900 && ofDay < 903) ? size / 3 : 0);
    };
    const { all, model } = scenario(deploy);
    const r = rules(model);
    // Act
    const usual = findSpike({ counts: all, from: ORIGIN }, model, r, today + 590, today + 620);
    const large = findSpike({ counts: all, from: ORIGIN }, model, r, today + 890, today + 920);
    // Assess: the usual burst is below 1.5× the baseline's peak; the large one is not.
    expect(model.peak(5)).toBeGreaterThanOrEqual(45);
    expect(usual).toBeUndefined();
    expect(large?.start).toBe(today + 900);
  });

  it('stays silent before the account is mature unless the burst is several times the minimum', () => {
    // Prepare: two hours of history only (warm-up is 24 h).
    const rand = random(3);
    const all = counts(3 * 60, (minute) => poisson(rand, 0.2) + (minute >= ORIGIN + 150 && minute < ORIGIN + 155 ? 6 : 0));
    const { model } = modelOf(all.subarray(0, 120));
    const r = rules(model);
    // Act
    const moderate = findSpike({ counts: all, from: ORIGIN }, model, r, ORIGIN + 120, ORIGIN + 179);
    all[160] = 80;
    const massive = findSpike({ counts: all, from: ORIGIN }, model, r, ORIGIN + 120, ORIGIN + 179);
    // Assess
    expect(r.mature).toBe(false);
    expect(moderate).toBeUndefined();
    expect(massive).toBeDefined();
  });

  it('lowers the minimum for provisioning in a region the account never used', () => {
    const { all, model } = scenario(withBurst(0, today + 100, 2, 2));
    const provisioning = { insightType: 'ApiCallRateInsight' as const, eventSource: GROUP_EVENT_SOURCE, eventName: GroupName.Provisioning };
    const used = findSpike({ counts: all, from: ORIGIN }, model, rules(model, undefined, false, provisioning), today, today + 200);
    const unused = findSpike({ counts: all, from: ORIGIN }, model, rules(model, undefined, true, provisioning), today, today + 200);
    expect(used).toBeUndefined();
    expect(unused?.start).toBe(today + 100);
  });

  it('honours per-API overrides: disabled, and a stricter minimum', () => {
    const { all, model } = scenario(withBurst(0.5, today + 600, 3, 20));
    const disabled = configWith({ overrides: [{ eventSource: 'test.*', disabled: true }] });
    const strict = configWith({ overrides: [{ eventName: 'Test', minCount: 500 }] });
    expect(findSpike({ counts: all, from: ORIGIN }, model, rules(model, disabled), today, today + DAY - 1)).toBeUndefined();
    expect(findSpike({ counts: all, from: ORIGIN }, model, rules(model, strict), today, today + DAY - 1)).toBeUndefined();
    expect(findSpike({ counts: all, from: ORIGIN }, model, rules(model), today, today + DAY - 1)).toBeDefined();
  });

  it('keeps false alarms within budget over many noise-only series', () => {
    // 200 series × 1 day of Poisson noise at assorted rates: the default budget is 0.05 per
    // account-region-day across 200 series, so we expect essentially none.
    let alarms = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const rate = [0.01, 0.1, 0.5, 2, 10][seed % 5]!;
      const { all, model } = scenario(background(rate), seed);
      if (findSpike({ counts: all, from: ORIGIN }, model, rules(model), today, today + DAY - 1)) alarms += 1;
    }
    expect(alarms).toBeLessThanOrEqual(1);
  });
});

describe('Function: findGap', () => {
  const today = ORIGIN + WEEK;
  const everyFive = (stopAt: number) => (minute: number) => ((minute - ORIGIN) % 5 === 0 && minute < stopAt ? 3 : 0);

  it.each([
    { name: 'a 5-minute job silent for 30 minutes', stopAt: today + 600, closed: today + 630, found: true },
    { name: 'a 5-minute job silent for 10 minutes', stopAt: today + 600, closed: today + 610, found: false },
    { name: 'a 5-minute job still running', stopAt: Number.POSITIVE_INFINITY, closed: today + 630, found: false },
  ])('$name', ({ stopAt, closed, found }) => {
    const { all, model } = scenario(everyFive(stopAt));
    const gap = findGap({ counts: all, from: ORIGIN }, model, rules(model), closed);
    if (!found) {
      expect(gap).toBeUndefined();
      return;
    }
    // The silence began right after the last run (at minute 595 of the day).
    expect(gap).toMatchObject({ kind: 'drop', start: today + 596, end: closed });
    expect(gap!.logP).toBeLessThan(0);
  });

  it('waits for several missed periods of an hourly job', () => {
    const hourly = (minute: number) => ((minute - ORIGIN) % 60 === 17 && minute < today + 600 ? 1 : 0);
    const { all, model } = scenario(hourly);
    expect(model.period).toBe(60);
    expect(findGap({ counts: all, from: ORIGIN }, model, rules(model), today + 700)).toBeUndefined();
    expect(findGap({ counts: all, from: ORIGIN }, model, rules(model), today + 900)).toMatchObject({ start: today + 558 });
  });

  it('dates a silence longer than the loaded counts from the baseline\'s last event', () => {
    // Prepare: an hourly job stops; evaluate loads only the last hour of counts.
    const hourly = (minute: number) => ((minute - ORIGIN) % 60 === 17 && minute < today + 600 ? 1 : 0);
    const { all, model } = scenario(hourly);
    const closed = today + 900;
    const lastHour = { counts: all.subarray(closed - 59 - ORIGIN, closed - ORIGIN + 1), from: closed - 59 };
    // Act / Assess: the last run was at 09:17 (minute 557), so the gap starts at 558.
    expect(findGap(lastHour, model, rules(model), closed)).toBeUndefined();
    expect(findGap(lastHour, model, rules(model), closed, today + 557)).toMatchObject({ kind: 'drop', start: today + 558 });
  });

  it('never flags silence of activity that is not regular (business hours only)', () => {
    const office = (minute: number, rand: () => number) => {
      const ofDay = (minute - ORIGIN) % DAY;
      return ofDay >= 540 && ofDay < 1020 ? poisson(rand, 1) : 0;
    };
    const { all, model } = scenario(office);
    expect(model.activeHourFraction).toBeLessThan(0.5);
    expect(findGap({ counts: all, from: ORIGIN }, model, rules(model), today + 300)).toBeUndefined();
  });
});

describe('Function: findSpikeEnd', () => {
  const today = ORIGIN + WEEK;

  it('ends at the first minute of a quiet stretch, not inside the burst', () => {
    const { all, model } = scenario(withBurst(0.2, today + 600, 10, 15));
    const end = findSpikeEnd({ counts: all, from: ORIGIN }, model, rules(model), today + 600, today + 700);
    expect(end).toBe(today + 610);
  });

  it('stays open until enough closed minutes show the quiet', () => {
    const { all, model } = scenario(withBurst(0.2, today + 600, 10, 15));
    expect(findSpikeEnd({ counts: all, from: ORIGIN }, model, rules(model), today + 600, today + 620)).toBeUndefined();
  });

  it('ends a permanent change after maxInsightMinutes', () => {
    const { all, model } = scenario(withBurst(0.2, today, DAY, 10));
    const short = configWith({ maxInsightMinutes: 60 });
    expect(findSpikeEnd({ counts: all, from: ORIGIN }, model, rules(model, short), today, today + 200)).toBe(today + 60);
  });
});

describe('Function: findGapEnd', () => {
  it('ends at the first minute with an event again', () => {
    const series = { counts: Float64Array.from([0, 0, 0, 0, 2, 0]), from: 100 };
    const r = rules(modelOf(new Float64Array(0)).model);
    expect(findGapEnd(series, r, 100, 105)).toBe(104);
    expect(findGapEnd(series, r, 100, 103)).toBeUndefined();
  });
});

describe('Function: detectAnomalies', () => {
  const today = ORIGIN + WEEK;

  it('reports a burst and, separately, a later silence of a regular series', () => {
    // Prepare: a job every 5 minutes with a burst at 10:00 and nothing from 12:00.
    const job = (minute: number) => (minute >= today + 720 ? 0 : ((minute - ORIGIN) % 5 === 0 ? 2 : 0) + (minute >= today + 600 && minute < today + 603 ? 30 : 0));
    const { all, model } = scenario(job);
    // Act
    const anomalies = detectAnomalies({ counts: all, from: ORIGIN, model, rules: rules(model), spikeEnds: { from: today, to: today + 700 }, closedThrough: today + 760 });
    // Assess
    expect(anomalies.map((a) => [a.kind, a.start - today])).toEqual([
      ['spike', 600],
      ['drop', 716],
    ]);
  });

  it('finds nothing in a series behaving as its baseline', () => {
    const { all, model } = scenario(background(1));
    expect(detectAnomalies({ counts: all, from: ORIGIN, model, rules: rules(model), spikeEnds: { from: today, to: today + DAY - 1 }, closedThrough: today + DAY - 1 })).toEqual([]);
  });
});
