import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localHour, localWeekday, MS_PER_DAY } from '../../../bench/synth/calendar.js';
import { DEFAULT_START, WARMUP_DAYS } from '../../../bench/synth/generate.js';
import { isStop } from '../../../bench/synth/incidents.js';
import { buildProfile } from '../../../bench/synth/profiles.js';
import { Rng } from '../../../bench/synth/rng.js';
import { seriesKey, seriesOf } from '../../../bench/synth/series-of.js';
import { callerArn, generateTrail, LOG_KEY, minuteMs, type LoadedTrail } from './trail-helpers.js';

const startMs = Date.parse(`${DEFAULT_START}T00:00:00Z`);
const warmupEndMs = startMs + WARMUP_DAYS.full * MS_PER_DAY;
const profile = buildProfile('full', { rng: new Rng('trail-insights-synth/1'), startMs, endMs: startMs + 10 * MS_PER_DAY, days: 10, warmupEndMs });

describe('Function: buildProfile (full)', () => {
  it('has three or more accounts of different character with two to four active regions each', () => {
    expect(profile.accounts.length).toBeGreaterThanOrEqual(3);
    expect(new Set(profile.accounts.map((a) => a.info.character)).size).toBe(profile.accounts.length);
    for (const a of profile.accounts) {
      expect(a.info.regions.length).toBeGreaterThanOrEqual(2);
      expect(a.info.regions.length).toBeLessThanOrEqual(4);
    }
  });

  it('injects every kind the benchmark asks for, several per account, all after warm-up', () => {
    // Act
    const kinds = new Set(profile.incidents.map((i) => i.kind));
    const perAccount = new Map<string, number>();
    for (const i of profile.incidents) perAccount.set(i.account, (perAccount.get(i.account) ?? 0) + 1);
    // Assess
    for (const k of ['iam-burst', 'provisioning-spike', 'new-region-provisioning', 'access-denied-storm', 'job-stop', 'slow-elevation', 'throttling-storm', 'mass-deletion', 'kms-key-deletion']) {
      expect(kinds.has(k as never), k).toBe(true);
    }
    for (const a of profile.accounts) expect(perAccount.get(a.info.name) ?? 0, a.info.name).toBeGreaterThanOrEqual(3);
    expect(profile.incidents.length).toBeGreaterThanOrEqual(20);
    for (const i of profile.incidents) {
      expect(i.at, i.id).toBeGreaterThanOrEqual(warmupEndMs);
      expect(i.at, i.id).toBeLessThan(startMs + 10 * MS_PER_DAY);
    }
  });

  it('spreads incidents over nights, weekends and sizes', () => {
    // Act
    const tzOf = new Map(profile.accounts.map((a) => [a.info.name, a.info.tzHours]));
    const atNight = profile.incidents.filter((i) => {
      const h = localHour(i.at, tzOf.get(i.account) ?? 0);
      return h < 6 || h >= 22;
    });
    const atWeekend = profile.incidents.filter((i) => [0, 6].includes(localWeekday(i.at, tzOf.get(i.account) ?? 0)));
    const sizes = new Set(profile.incidents.map((i) => i.size));
    // Assess
    expect(atNight.length).toBeGreaterThanOrEqual(5);
    expect(atWeekend.length).toBeGreaterThanOrEqual(4);
    expect([...sizes].sort()).toEqual(['large', 'medium', 'modest']);
  });

  it('puts new-region incidents in regions the account never uses', () => {
    for (const i of profile.incidents.filter((x) => x.kind === 'new-region-provisioning')) {
      const account = profile.accounts.find((a) => a.info.name === i.account);
      expect(account?.info.regions).not.toContain(i.region);
    }
  });
});

describe('Function: generate (full profile, security account)', { timeout: 60_000 }, () => {
  let trail: LoadedTrail;

  beforeAll(() => {
    trail = generateTrail({ seed: 1, profile: 'full', accounts: ['security'] });
  }, 300_000);

  afterAll(() => trail?.cleanup());

  it('delivers each region about every five minutes, several files at busy times', () => {
    // Prepare
    const stamps = new Map<string, string[]>();
    for (const f of trail.files) {
      const m = LOG_KEY.exec(f.key);
      const region = m?.[2] ?? '';
      stamps.set(region, [...(stamps.get(region) ?? []), m?.[8] ?? '']);
    }
    // Act
    const home = [...new Set(stamps.get('us-east-1'))].sort();
    const gaps = home.slice(1).map((s, i) => (Date.parse(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 11)}:${s.slice(11, 13)}Z`) - Date.parse(`${home[i]?.slice(0, 4)}-${home[i]?.slice(4, 6)}-${home[i]?.slice(6, 11)}:${home[i]?.slice(11, 13)}Z`)) / 60_000);
    const shared = (stamps.get('us-east-1')?.length ?? 0) - home.length;
    // Assess
    expect(gaps.filter((g) => g === 5).length / gaps.length).toBeGreaterThan(0.99);
    expect(shared).toBeGreaterThan(10);
  });

  it('delivers most records 5 to 20 minutes after the call, a few much later', () => {
    // Act
    const delays: number[] = [];
    for (const f of trail.files) {
      const s = LOG_KEY.exec(f.key)?.[8] ?? '';
      const stamp = Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), +s.slice(9, 11), +s.slice(11, 13));
      for (const r of f.records) delays.push((stamp - Date.parse(r.eventTime)) / 60_000);
    }
    const within = delays.filter((d) => d >= 4 && d <= 20).length / delays.length;
    const late = delays.filter((d) => d > 30).length / delays.length;
    // Assess
    expect(within).toBeGreaterThan(0.97);
    expect(late).toBeGreaterThan(0.002);
    expect(late).toBeLessThan(0.02);
  });

  it('labels the security incidents consistently with the records', () => {
    expect(trail.labels.incidents.map((i) => i.id)).toEqual(['I12', 'I13', 'I16']);
    for (const i of trail.labels.incidents.filter((x) => x.kind !== 'job-stop')) {
      const found = trail.unique
        .map((u) => u.record)
        .filter((r) => i.injected.principals.includes(callerArn(r)) && i.injected.userAgents.includes(r.userAgent))
        .filter((r) => Date.parse(r.eventTime) >= minuteMs(i.start) && Date.parse(r.eventTime) < minuteMs(i.end) + 60_000);
      expect(found.length, i.id).toBe(i.injected.records);
      const series = new Set(found.flatMap((r) => seriesOf(r).map(seriesKey)));
      for (const e of i.expect) expect(series.has(seriesKey({ ...e, region: e.region ?? i.region })), `${i.id} ${e.eventName}`).toBe(true);
    }
  });

  it('stops the per-minute canary for three and a half hours and resumes it', () => {
    // Prepare
    const stop = trail.labels.incidents.find((i) => i.id === 'I13');
    expect(stop?.kind).toBe('job-stop');
    if (!stop) return;
    const minutes = new Set(
      trail.unique
        .map((u) => u.record)
        .filter((r) => r.awsRegion === stop.region && r.eventName === 'PutMetricData' && stop.injected.principals.includes(callerArn(r)))
        .map((r) => minuteMs(r.eventTime)),
    );
    // Act
    const start = minuteMs(stop.start);
    const end = minuteMs(stop.end);
    const silent = [...minutes].filter((m) => m >= start && m <= end).length;
    // Assess
    expect(silent).toBe(0);
    expect((end - start) / 60_000 + 1).toBe(210);
    expect(stop.injected.missingRecords).toBe(210);
    expect(minutes.has(start - 60_000)).toBe(true);
    expect(minutes.has(end + 60_000)).toBe(true);
  });

  it('runs the weekly compliance scan on Wednesday only, with its denials', () => {
    // Act
    const byDay = new Map<number, number>();
    for (const { record: r } of trail.unique) {
      if (r.errorCode === undefined || !callerArn(r).endsWith('assumed-role/prowler-audit')) continue;
      const day = localWeekday(Date.parse(r.eventTime), 0);
      byDay.set(day, (byDay.get(day) ?? 0) + 1);
    }
    // Assess
    expect([...byDay.keys()]).toEqual([3]);
    expect(byDay.get(3)).toBeGreaterThanOrEqual(20);
  });

  it('keeps job-stop labels pointing at the job that stopped', () => {
    const stops = profile.incidents.filter(isStop);
    expect(stops.length).toBeGreaterThanOrEqual(2);
    const i13 = trail.labels.incidents.find((i) => i.id === 'I13');
    expect(i13?.expect).toEqual([{ insightType: 'ApiCallRateInsight', eventSource: 'monitoring.amazonaws.com', eventName: 'PutMetricData' }]);
    expect(i13?.injected.principals).toEqual([`arn:aws:sts::${trail.labels.accounts[0]?.id}:assumed-role/security-canary-lambda`]);
  });
});
