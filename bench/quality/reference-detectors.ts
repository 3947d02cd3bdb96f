import { minuteToIso } from '../../lib/time/minute.js';
import type { InsightRecord } from '../../lib/insights/record.js';
import type { CountedSeries, TrailCounts } from './series-counts.js';

/**
 * Two yardsticks for the benchmark, not the engine: a naive per-minute threshold (what
 * the data must defeat) and a plain multi-window detector (what a reasonable design
 * should at least reach). Both run offline on complete per-minute counts, so they see no
 * delivery lateness; the engine has the harder, online problem.
 */

const DAY = 1440;
const WEEK = 7 * DAY;

export interface DetectorRun {
  name: string;
  insights: InsightRecord[];
}

let counter = 0;
function startRecord(s: CountedSeries, minute: number, tag: string): InsightRecord {
  counter++;
  const id = `00000000-0000-4000-8000-${(counter >>> 0).toString(16).padStart(12, '0')}`;
  return {
    eventVersion: '1.09',
    eventTime: minuteToIso(minute),
    awsRegion: s.region,
    eventID: id,
    eventType: 'AwsCloudTrailInsight',
    recipientAccountId: s.account,
    sharedEventID: id.replace('0000-4000', tag === 'naive' ? '0001-4000' : '0002-4000'),
    insightDetails: {
      state: 'Start',
      eventSource: s.eventSource,
      eventName: s.eventName,
      insightType: s.insightType,
      ...(s.errorCode !== undefined ? { errorCode: s.errorCode } : {}),
      sourceEventCategory: 'Management',
      insightContext: { statistics: { baseline: { average: 0 }, insight: { average: 0 }, insightDuration: 1, baselineDuration: WEEK } },
    },
    eventCategory: 'Insight',
  };
}

/**
 * Flags a minute whose count is at least 3 and more than 3x the series' mean over the
 * previous 7 days; a new Start only after 30 quiet minutes. No drops.
 */
export function naiveDetector(t: TrailCounts, scoredFrom: number): DetectorRun {
  const out: InsightRecord[] = [];
  for (const s of t.series) {
    const c = s.counts;
    let rolling = 0;
    let open = -Infinity;
    for (let i = 0; i < t.minutes; i++) {
      const x = c[i] ?? 0;
      const mean = rolling / WEEK;
      if (i >= scoredFrom && x >= 3 && x > 3 * mean) {
        if (i - open > 30) out.push(startRecord(s, t.startMinute + i, 'naive'));
        open = i;
      }
      rolling += x;
      if (i >= WEEK) rolling -= c[i - WEEK] ?? 0;
    }
  }
  return { name: 'naive 3x-mean per minute', insights: out };
}

/** Window lengths (minutes): a one-minute burst and a three-hour elevation are both anomalies. */
const WINDOWS = [1, 5, 15, 60, 180] as const;
/** Fewest events a window must hold before it can be unusual (a couple of stray calls never are). */
const MIN_COUNT: Record<number, number> = { 1: 8, 5: 10, 15: 12, 60: 24, 180: 50 };
/** The same for a series with no event in its baseline: any handful is news. */
const MIN_COUNT_COLD: Record<number, number> = { 1: 5, 5: 6, 15: 7, 60: 12, 180: 30 };
/** And for a region the account never used: a few writes are an incident. */
const MIN_COUNT_NEW_REGION = 5;
/** How far above the largest window sum of the baseline a window must go. */
const PEAK_FACTOR = 1.5;
/** Poisson tail bound to beat, log scale: ~1e-9 per test for tens of millions of tests. */
const LOG_ALPHA = -21;

/** Chernoff bound of log P(X >= k) for X ~ Poisson(lambda), k > lambda. */
function logTail(k: number, lambda: number): number {
  if (k <= lambda) return 0;
  return k * Math.log((lambda * Math.E) / k) - lambda;
}

/**
 * Multi-window spike test against the AWS-style baseline (midnight seven days before to
 * the window's start): a window is unusual when it holds at least a minimum count, beats
 * the largest same-length window of the baseline by half again, and is improbable under
 * the baseline rate. Drops: a series active in nearly every hour of the baseline that
 * goes silent for twice its longest baseline gap (and 15 minutes at least) starts an
 * insight at its first silent minute.
 */
export interface ReferenceOptions {
  /**
   * Off: no cold-series or new-region rules and twice the minimum counts, a blunter
   * detector the modest incidents are there to tell apart.
   */
  sensitive?: boolean;
}

export function referenceDetector(t: TrailCounts, scoredFrom: number, options: ReferenceOptions = {}): DetectorRun {
  const sensitive = options.sensitive ?? true;
  const out: InsightRecord[] = [];
  const days = Math.ceil(t.minutes / DAY);
  // First minute each account-region saw any counted event.
  const regionFirst = new Map<string, number>();
  for (const s of t.series) {
    const first = s.counts.findIndex((x) => x > 0);
    const key = `${s.account}|${s.region}`;
    if (first >= 0 && first < (regionFirst.get(key) ?? Infinity)) regionFirst.set(key, first);
  }
  for (const s of t.series) {
    const firstInRegion = regionFirst.get(`${s.account}|${s.region}`) ?? 0;
    const c = s.counts;
    const prefix = new Float64Array(t.minutes + 1);
    for (let i = 0; i < t.minutes; i++) prefix[i + 1] = (prefix[i] ?? 0) + (c[i] ?? 0);
    if ((prefix[t.minutes] ?? 0) === 0) continue;
    const sum = (a: number, b: number): number => (prefix[Math.max(0, b)] ?? 0) - (prefix[Math.max(0, a)] ?? 0);
    // Per window length, the largest window sum ending inside each day.
    const dayMax = WINDOWS.map((w) => {
      const m = new Float64Array(days);
      for (let i = 0; i < t.minutes; i++) {
        const v = sum(i - w + 1, i + 1);
        const d = Math.floor(i / DAY);
        if (v > (m[d] ?? 0)) m[d] = v;
      }
      return m;
    });
    let openUntil = -1;
    // Largest window sum of today that ended before the current window started, per length.
    const todayMax = WINDOWS.map(() => 0);
    for (let i = scoredFrom; i < t.minutes; i++) {
      const d = Math.floor(i / DAY);
      const dayStart = d * DAY;
      if (i === dayStart || i === scoredFrom) todayMax.fill(0);
      for (const [wi, w] of WINDOWS.entries()) {
        const j = i - w;
        if (j >= dayStart) todayMax[wi] = Math.max(todayMax[wi] ?? 0, sum(j - w + 1, j + 1));
      }
      if (i <= openUntil) continue;
      const base0 = Math.max(0, (d - 7) * DAY);
      for (const [wi, w] of WINDOWS.entries()) {
        const v = sum(i - w + 1, i + 1);
        if (v < MIN_COUNT_NEW_REGION) continue;
        const baseEnd = i - w + 1;
        const baseMinutes = Math.max(1, baseEnd - base0);
        const baseCount = sum(base0, baseEnd);
        const newRegion = firstInRegion > i - w - 60;
        const min = !sensitive
          ? 2 * (MIN_COUNT[w] ?? 10)
          : newRegion
            ? MIN_COUNT_NEW_REGION
            : baseCount === 0
              ? (MIN_COUNT_COLD[w] ?? 6)
              : (MIN_COUNT[w] ?? 10);
        if (v < min) continue;
        const lambda = Math.max(baseCount, 0.5) / baseMinutes;
        let peak = todayMax[wi] ?? 0;
        const dm = dayMax[wi];
        for (let k = Math.max(0, d - 7); k < d; k++) peak = Math.max(peak, dm?.[k] ?? 0);
        if (v <= PEAK_FACTOR * peak || logTail(v, lambda * w) > LOG_ALPHA) continue;
        // Date the Start where the excess begins: the latest window start that still holds
        // 90% of the window's largest excess over the baseline rate (stray calls before a
        // burst do not pull its start back).
        const suffix: number[] = [];
        let run = 0;
        let best = 0;
        for (let j = i; j > i - w; j--) {
          run += (c[j] ?? 0) - lambda;
          suffix.push(run);
          if (run > best) best = run;
        }
        let first = i - suffix.findIndex((x) => x >= 0.9 * best);
        while ((c[first] ?? 0) === 0 && first < i) first++;
        out.push(startRecord(s, t.startMinute + first, 'ref'));
        openUntil = i + 60;
        break;
      }
    }
    // Drops: per day, is the series regular enough over its baseline, and its longest gap.
    const regular: Array<{ ok: boolean; longest: number } | undefined> = [];
    const regularity = (d: number): { ok: boolean; longest: number } => {
      const cached = regular[d];
      if (cached) return cached;
      const base0 = Math.max(0, (d - 7) * DAY);
      const baseEnd = d * DAY;
      let activeHours = 0;
      let hours = 0;
      let longest = 0;
      let run = 0;
      for (let h = base0; h < baseEnd; h += 60) {
        hours++;
        if (sum(h, h + 60) > 0) activeHours++;
      }
      for (let j = base0; j < baseEnd; j++) {
        run = (c[j] ?? 0) === 0 ? run + 1 : 0;
        if (run > longest) longest = run;
      }
      const r = { ok: baseEnd - base0 >= DAY && activeHours >= 0.97 * hours, longest };
      regular[d] = r;
      return r;
    };
    let silentSince = -1;
    let reported = false;
    for (let i = Math.max(0, scoredFrom - DAY); i < t.minutes; i++) {
      if ((c[i] ?? 0) > 0) {
        silentSince = -1;
        reported = false;
        continue;
      }
      if (silentSince < 0) silentSince = i;
      if (reported || i < scoredFrom) continue;
      const gap = i - silentSince + 1;
      if (gap < 15) continue;
      const r = regularity(Math.floor(silentSince / DAY));
      if (!r.ok) continue;
      if (gap >= Math.max(15, 2 * r.longest)) {
        out.push(startRecord(s, t.startMinute + silentSince, 'ref'));
        reported = true;
      }
    }
  }
  return { name: sensitive ? 'reference multi-window + drops' : 'blunt multi-window, no cold-start rules', insights: out };
}
