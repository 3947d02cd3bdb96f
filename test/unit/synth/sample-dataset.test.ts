import { WARMUP_DAYS } from '../../../bench/synth/generate.js';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localHour, localWeekday } from '../../../bench/synth/calendar.js';
import { listLogKeys } from '../../../bench/synth/read-trail.js';
import type { CloudTrailRecord } from '../../../bench/synth/record.js';
import { seriesKey, seriesOf } from '../../../bench/synth/series-of.js';
import { callerArn, generateTrail, LOG_KEY, minuteMs, type LoadedTrail } from './trail-helpers.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const EVENT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
// The order CloudTrail writes record keys in; every record's keys must follow it.
const KEY_ORDER = [
  'eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent',
  'errorCode', 'errorMessage', 'requestParameters', 'responseElements', 'additionalEventData', 'requestID', 'eventID',
  'readOnly', 'resources', 'eventType', 'managementEvent', 'recipientAccountId', 'eventCategory', 'tlsDetails',
  'sessionCredentialFromConsole',
];
const DATA_APIS = new Set([
  's3.amazonaws.com:GetObject', 's3.amazonaws.com:PutObject', 's3.amazonaws.com:HeadObject', 's3.amazonaws.com:DeleteObject',
  'lambda.amazonaws.com:Invoke', 'dynamodb.amazonaws.com:GetItem', 'dynamodb.amazonaws.com:Query',
  'dynamodb.amazonaws.com:PutItem', 'dynamodb.amazonaws.com:UpdateItem',
]);
const GLOBAL_SOURCES = new Set(['iam.amazonaws.com', 'signin.amazonaws.com', 'organizations.amazonaws.com', 'ce.amazonaws.com']);

function hashTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

describe('Function: generate (sample profile)', { timeout: 60_000 }, () => {
  let trail: LoadedTrail;
  let twin: LoadedTrail;
  let other: LoadedTrail;

  beforeAll(() => {
    trail = generateTrail({ seed: 7, profile: 'sample' });
    twin = generateTrail({ seed: 7, profile: 'sample' });
    other = generateTrail({ seed: 8, profile: 'sample' });
  }, 180_000);

  afterAll(() => {
    for (const t of [trail, twin, other]) t?.cleanup();
  });

  describe('determinism', () => {
    it('writes byte-identical files and labels for the same seed', () => {
      // Act
      const a = hashTree(trail.dir);
      const b = hashTree(twin.dir);
      // Assess
      expect(a.size).toBeGreaterThan(100);
      expect([...a.entries()]).toEqual([...b.entries()]);
    });

    it('writes a different trail for a different seed', () => {
      // Act
      const a = hashTree(trail.dir);
      const c = hashTree(other.dir);
      // Assess
      expect(a.get('labels.json')).not.toBe(c.get('labels.json'));
      const shared = [...a.keys()].filter((k) => c.has(k) && k !== 'labels.json');
      expect(shared).toEqual([]);
    });
  });

  describe('files', () => {
    it('names every file as CloudTrail does, under its own account, region and date', () => {
      // Act
      const keys = listLogKeys(trail.dir);
      // Assess
      expect(keys.length).toBeGreaterThan(300);
      for (const key of keys) {
        const m = LOG_KEY.exec(key);
        expect(m, key).not.toBeNull();
        if (!m) continue;
        const [, account, region, yyyy, mm, dd, account2, region2, stamp] = m;
        expect(account2).toBe(account);
        expect(region2).toBe(region);
        expect(stamp?.slice(0, 8)).toBe(`${yyyy}${mm}${dd}`);
      }
    });

    it('stamps each file at or after every eventTime it holds, and keeps the records of its account and region', () => {
      for (const f of trail.files) {
        const m = LOG_KEY.exec(f.key);
        const stamp = m?.[8] ?? '';
        const stampMs = Date.UTC(+stamp.slice(0, 4), +stamp.slice(4, 6) - 1, +stamp.slice(6, 8), +stamp.slice(9, 11), +stamp.slice(11, 13));
        expect(f.records.length).toBeGreaterThan(0);
        for (const r of f.records) {
          expect(Date.parse(r.eventTime)).toBeLessThanOrEqual(stampMs);
          expect(r.recipientAccountId).toBe(m?.[1]);
          expect(r.awsRegion).toBe(m?.[2]);
        }
      }
    });

    it('holds valid gzip JSON with a Records array and no foreign keys', () => {
      for (const f of trail.files) expect(Array.isArray(f.records)).toBe(true);
      // Every eventID reappears only as an identical duplicate, and the labels count them.
      const first = new Map<string, string>();
      let duplicates = 0;
      for (const f of trail.files) {
        for (const r of f.records) {
          const text = JSON.stringify(r);
          const seen = first.get(r.eventID);
          if (seen === undefined) first.set(r.eventID, text);
          else {
            duplicates++;
            expect(text).toBe(seen);
          }
        }
      }
      expect(duplicates).toBe(trail.labels.stats.duplicates);
    });

    it('leaves records unordered inside files', () => {
      // Act
      const shuffled = trail.files.filter((f) => f.records.some((r, i) => i > 0 && r.eventTime < (f.records[i - 1]?.eventTime ?? '')));
      // Assess
      expect(shuffled.length).toBeGreaterThan(trail.files.length / 2);
    });
  });

  describe('records', () => {
    it('carry the CloudTrail field set, in CloudTrail key order', () => {
      for (const { record: r } of trail.unique) {
        const keys = Object.keys(r);
        const positions = keys.map((k) => KEY_ORDER.indexOf(k));
        expect(positions.every((p) => p >= 0), keys.join(',')).toBe(true);
        expect([...positions].sort((a, b) => a - b)).toEqual(positions);
        expect(['1.08', '1.09']).toContain(r.eventVersion);
        expect(r.eventTime).toMatch(EVENT_TIME);
        expect(r.eventID).toMatch(UUID_V4);
        expect(r.recipientAccountId).toMatch(/^\d{12}$/);
        expect(r.eventSource).toMatch(/\.amazonaws\.com$/);
        expect(typeof r.sourceIPAddress).toBe('string');
        expect(typeof r.userAgent).toBe('string');
        expect('requestParameters' in r && 'responseElements' in r).toBe(true);
        const failedLogin = r.eventName === 'ConsoleLogin' && r.errorMessage !== undefined;
        if (!failedLogin) expect(typeof r.readOnly).toBe('boolean');
        if (r.eventName !== 'ConsoleLogin') expect(typeof r.requestID).toBe('string');
        if (r.errorCode !== undefined) expect(typeof r.errorMessage).toBe('string');
        if (r.sessionCredentialFromConsole !== undefined) expect(r.sessionCredentialFromConsole).toBe('true');
        if (r.tlsDetails) expect(r.tlsDetails.clientProvidedHostHeader).toMatch(/amazon(aws)?\.com$/);
      }
    });

    it('shape userIdentity by caller type', () => {
      // Act
      const types = new Map<string, CloudTrailRecord>();
      for (const { record } of trail.unique) types.set(String(record.userIdentity['type']), record);
      // Assess
      expect([...types.keys()].sort()).toEqual(['AWSService', 'AssumedRole', 'IAMUser', 'Root']);
      for (const { record } of trail.unique) {
        const u = record.userIdentity as Record<string, unknown>;
        if (u['type'] === 'AWSService') {
          expect(Object.keys(u).sort()).toEqual(['invokedBy', 'type']);
          expect(record.sourceIPAddress).toBe(u['invokedBy']);
        } else if (u['type'] === 'AssumedRole') {
          const ctx = u['sessionContext'] as { sessionIssuer: { type: string; arn: string } };
          expect(ctx.sessionIssuer.type).toBe('Role');
          expect(String(u['arn'])).toMatch(/^arn:aws:sts::\d{12}:assumed-role\/[^/]+\/.+$/);
          expect(String(u['principalId'])).toMatch(/^AROA[A-Z2-7]{17}:.+$/);
        } else if (u['type'] === 'Root') {
          expect(u['arn']).toBe(`arn:aws:iam::${record.recipientAccountId}:root`);
          expect(u['principalId']).toBe(record.recipientAccountId);
        } else {
          expect(String(u['arn'])).toMatch(/^arn:aws:iam::\d{12}:user\/.+$/);
          expect(typeof u['userName']).toBe('string');
        }
      }
    });

    it('flag data events as Data and not management, everything else as Management', () => {
      // Act
      const data = trail.unique.filter(({ record: r }) => DATA_APIS.has(`${r.eventSource}:${r.eventName}`));
      // Assess: data events include writes, the trap for a counter that only checks readOnly.
      expect(data.length).toBeGreaterThan(1000);
      expect(data.some(({ record: r }) => r.readOnly === false)).toBe(true);
      for (const { record: r } of trail.unique) {
        const isData = DATA_APIS.has(`${r.eventSource}:${r.eventName}`);
        expect(r.eventCategory).toBe(isData ? 'Data' : 'Management');
        expect(r.managementEvent).toBe(!isData);
      }
    });

    it('file global services under us-east-1', () => {
      // Act
      const global = trail.unique.filter(({ record: r }) => GLOBAL_SOURCES.has(r.eventSource));
      // Assess
      expect(global.length).toBeGreaterThan(50);
      for (const { key, record } of global) {
        expect(record.awsRegion).toBe('us-east-1');
        expect(key).toContain('/CloudTrail/us-east-1/');
      }
    });
  });

  describe('labels', () => {
    it('place every incident after the two-day warm-up, minute-aligned', () => {
      const warmup = Date.parse(trail.labels.warmupEnd);
      expect(warmup - Date.parse(trail.labels.start)).toBe(WARMUP_DAYS.sample * 86_400_000);
      expect(trail.labels.incidents.length).toBe(4);
      for (const i of trail.labels.incidents) {
        expect(Date.parse(i.start)).toBeGreaterThanOrEqual(warmup);
        expect(Date.parse(i.end)).toBeGreaterThanOrEqual(Date.parse(i.start));
        expect(i.start).toMatch(/:00Z$/);
        expect(i.end).toMatch(/:00Z$/);
        expect(i.expect.length).toBeGreaterThan(0);
      }
    });

    it('count exactly the injected records found in the files, and every expected series among them', () => {
      for (const i of trail.labels.incidents.filter((x) => x.kind !== 'job-stop')) {
        // Act: the attacker's calls, by principal and user agent, inside the incident.
        const from = minuteMs(i.start);
        const to = minuteMs(i.end) + 60_000;
        const found = trail.unique
          .map((u) => u.record)
          .filter((r) => i.injected.principals.includes(callerArn(r)) && i.injected.userAgents.includes(r.userAgent))
          .filter((r) => Date.parse(r.eventTime) >= from && Date.parse(r.eventTime) < to);
        const byName: Record<string, number> = {};
        for (const r of found) byName[r.eventName] = (byName[r.eventName] ?? 0) + 1;
        const series = new Set(found.flatMap((r) => seriesOf(r).map(seriesKey)));
        // Assess
        expect(found.length, i.id).toBe(i.injected.records);
        expect(byName).toEqual(i.injected.byEventName);
        for (const e of i.expect) {
          expect(series.has(seriesKey({ ...e, region: e.region ?? i.region })), `${i.id} ${e.eventName}`).toBe(true);
        }
      }
    });

    it('silence a stopped job from its first missing minute on, after it ran until then', () => {
      // Prepare
      const stop = trail.labels.incidents.find((x) => x.kind === 'job-stop');
      expect(stop).toBeDefined();
      if (!stop) return;
      const e = stop.expect[0];
      const jobCalls = (from: number, to: number): number =>
        trail.unique.filter(({ record: r }) => {
          const t = Date.parse(r.eventTime);
          return r.eventSource === e?.eventSource && r.eventName === e.eventName && stop.injected.principals.includes(callerArn(r)) && t >= from && t < to;
        }).length;
      // Act
      const before = jobCalls(minuteMs(stop.start) - 3_600_000, minuteMs(stop.start));
      const during = jobCalls(minuteMs(stop.start), minuteMs(stop.end) + 60_000);
      // Assess: one call every 10 minutes until the stop, none after; the missing ones counted.
      expect(before).toBeGreaterThanOrEqual(5);
      expect(during).toBe(0);
      expect(stop.injected.missingRecords).toBe((minuteMs(stop.end) - minuteMs(stop.start)) / 600_000 + 1);
    });
  });

  describe('background', () => {
    it('follows the working week: console sign-ins on Friday, few on Saturday', () => {
      // Prepare: the sample runs Thursday to Saturday; compare the two local days it covers in full.
      const tz = trail.labels.accounts[0]?.tzHours ?? 0;
      const perWeekday = new Map<number, number>();
      // Act
      for (const { record: r } of trail.unique) {
        if (r.eventName !== 'ConsoleLogin') continue;
        const weekday = localWeekday(Date.parse(r.eventTime), tz);
        perWeekday.set(weekday, (perWeekday.get(weekday) ?? 0) + 1);
      }
      // Assess
      expect(perWeekday.get(5) ?? 0).toBeGreaterThan(3 * Math.max(0.5, perWeekday.get(6) ?? 0));
    });

    it('follows the day: data-plane traffic peaks in the afternoon and troughs at night', () => {
      // Prepare
      const tz = trail.labels.accounts[0]?.tzHours ?? 0;
      let afternoon = 0;
      let night = 0;
      // Act
      for (const { record: r } of trail.unique) {
        if (r.eventCategory !== 'Data') continue;
        const h = localHour(Date.parse(r.eventTime), tz);
        if (h >= 13 && h < 17) afternoon++;
        if (h >= 2 && h < 6) night++;
      }
      // Assess: the load curve gives about 2.5x.
      expect(afternoon / night).toBeGreaterThan(1.8);
      expect(afternoon / night).toBeLessThan(4);
    });

    it('stays small enough to commit', () => {
      expect(trail.labels.stats.bytes).toBeLessThan(3_000_000);
      expect(trail.labels.stats.files).toBeLessThan(2_000);
    });
  });
});
