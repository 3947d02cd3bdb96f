import { describe, expect, it } from 'vitest';
import { naiveDetector, referenceDetector } from '../../../bench/quality/reference-detectors.js';
import type { CountedSeries, TrailCounts } from '../../../bench/quality/series-counts.js';
import { Rng } from '../../../bench/synth/rng.js';

const DAY = 1440;
const DAYS = 9;
const START_MINUTE = Math.floor(Date.parse('2024-02-22T00:00:00Z') / 60_000);
const SCORED_FROM = 7 * DAY;

function series(name: string, fill: (minute: number, rng: Rng) => number): CountedSeries {
  const rng = new Rng(name);
  const counts = new Uint16Array(DAYS * DAY);
  for (let i = 0; i < counts.length; i++) counts[i] = fill(i, rng);
  return { account: '111111111111', region: 'us-east-1', insightType: 'ApiCallRateInsight', eventSource: 'ec2.amazonaws.com', eventName: name, counts };
}

const steady = (rate: number) => (_: number, rng: Rng): number => rng.poisson(rate);
const trail = (...s: CountedSeries[]): TrailCounts => ({ startMinute: START_MINUTE, minutes: DAYS * DAY, series: s });
const startsOf = (run: { insights: Array<{ eventTime: string; insightDetails: { eventName: string } }> }, name: string): string[] =>
  run.insights.filter((r) => r.insightDetails.eventName === name).map((r) => r.eventTime);

describe('Function: referenceDetector', () => {
  it('stays quiet on a steady Poisson series', () => {
    expect(referenceDetector(trail(series('Steady', steady(2))), SCORED_FROM).insights).toEqual([]);
  });

  it('dates a burst at its first minute', () => {
    // Prepare: 40 extra calls over 8 minutes from day 7 14:00.
    const at = SCORED_FROM + 14 * 60;
    const s = series('Burst', (i, rng) => rng.poisson(0.5) + (i >= at && i < at + 8 ? 5 : 0));
    // Act
    const starts = startsOf(referenceDetector(trail(s), SCORED_FROM), 'Burst');
    // Assess
    expect(starts).toEqual(['2024-02-29T14:00:00Z']);
  });

  it('finds a three-hour elevation no single minute reveals', () => {
    // Prepare: 1.5/min, then 6/min for 150 minutes.
    const at = SCORED_FROM + 10 * 60;
    const s = series('Elevated', (i, rng) => rng.poisson(i >= at && i < at + 150 ? 6 : 1.5));
    // Act
    const starts = startsOf(referenceDetector(trail(s), SCORED_FROM), 'Elevated');
    // Assess
    expect(starts.length).toBeGreaterThanOrEqual(1);
    expect(Math.abs(Date.parse(starts[0] ?? '') - Date.parse('2024-02-29T10:00:00Z'))).toBeLessThanOrEqual(15 * 60_000);
  });

  it('reports a per-minute job that stops at its first silent minute', () => {
    // Prepare
    const at = SCORED_FROM + 22 * 60;
    const s = series('Heartbeat', (i) => (i >= at && i < at + 200 ? 0 : 1));
    // Act
    const starts = startsOf(referenceDetector(trail(s), SCORED_FROM), 'Heartbeat');
    // Assess
    expect(starts).toEqual(['2024-02-29T22:00:00Z']);
  });

  it('does not repeat a burst it saw every day of the baseline', () => {
    // Prepare: 30 calls at 13:00 every day.
    const s = series('Daily', (i, rng) => rng.poisson(0.2) + (i % DAY >= 13 * 60 && i % DAY < 13 * 60 + 3 ? 10 : 0));
    // Act / Assess
    expect(startsOf(referenceDetector(trail(s), SCORED_FROM), 'Daily')).toEqual([]);
  });
});

describe('Function: naiveDetector', () => {
  it('flags the everyday daily burst a baseline-aware detector ignores', () => {
    const s = series('Daily', (i, rng) => rng.poisson(0.2) + (i % DAY >= 13 * 60 && i % DAY < 13 * 60 + 3 ? 10 : 0));
    expect(startsOf(naiveDetector(trail(s), SCORED_FROM), 'Daily').length).toBeGreaterThanOrEqual(2);
  });
});
