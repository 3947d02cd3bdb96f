import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Contribution } from '../../lib/aggregate/types.js';
import type { HourRollup, HourStats, SeriesBaseline } from '../../lib/baseline/types.js';
import type { LogLocation } from '../../lib/cloudtrail/location.js';
import { planApply } from '../../lib/store/contribution-items.js';
import { ContributionTooLargeError, InvalidContributionError } from '../../lib/store/errors.js';
import type { InsightState, Store } from '../../lib/store/store.js';
import { MINUTES_PER_DAY } from '../../lib/time/minute.js';
import {
  DAY0,
  contribution,
  edgeArbitrary,
  edgeMinute,
  firstDifference,
  newAccount,
  newObjectId,
  normalize,
  objectArbitrary,
  opening,
  insightRecord as record,
  salt,
  toContributions,
  totals,
  trim,
} from './helpers.js';
import { contributionsOf, readRecords, stratusFiles } from './real-contributions.js';

/** Adapter settings the suite varies; an adapter applies those it supports. */
export interface StoreKnobs {
  /** Forces contributions into several items (and a transaction) when small. */
  maxItemBytes?: number;
}

export interface StoreContractOptions {
  /** fast-check runs per property: many in memory, fewer against a real database. */
  propertyRuns?: number;
}

export type StoreFactory = (knobs?: StoreKnobs) => Promise<{ store: Store }>;

/**
 * The behaviour every `Store` adapter must have (the port's rules in lib/store/store.ts),
 * run against memory in test/unit/store and against DynamoDB Local in test/integration.
 * Tests only use fresh random accounts and object ids, so adapters may share state
 * between tests.
 */
export function storeContract(name: string, factory: StoreFactory, options: StoreContractOptions = {}): void {
  const runs = options.propertyRuns ?? 50;
  const fresh = async (knobs?: StoreKnobs) => (await factory(knobs)).store;

  // One real Stratus file, and the whole run as one object (a busy file: 152 series).
  const files = stratusFiles();
  const busiest = files.find((f) => f.includes('20230710T1200Z_iLj9fb7yyUG9X4Bf')) ?? files[0] ?? '';
  const realOf = (objectId: string, file = busiest): Contribution => {
    const [c] = contributionsOf(objectId, readRecords(file));
    if (!c) throw new Error(`no counts in ${file}`);
    return c;
  };
  const allRecords = files.flatMap(readRecords);
  const wholeRunOf = (objectId: string): Contribution => contributionsOf(objectId, allRecords)[0] as Contribution;
  const span = (c: Contribution) => {
    const minutes = c.series.flatMap((s) => s.minutes.map((m) => m.minute));
    return { from: Math.min(...minutes), to: Math.max(...minutes) };
  };

  describe(`Store contract (${name}): applyFile and readContributions`, () => {
    it('applies a real file once and reads back exactly its counts', async () => {
      const store = await fresh();
      const objectId = newObjectId();
      const real = realOf(objectId);
      const c: Contribution = { ...real, account: newAccount() };
      const { from, to } = span(c);

      expect(await store.applyFile(objectId, [c])).toBe('applied');
      expect(await store.applyFile(objectId, [c])).toBe('already-applied');

      expect(normalize(await store.readContributions(c.account, c.region, from, to))).toEqual(normalize([c]));
    });

    it('answers `applied` to exactly one of ten concurrent applies of one object', async () => {
      const store = await fresh();
      const objectId = newObjectId();
      const c = { ...realOf(objectId), account: newAccount() };
      const { from, to } = span(c);

      const results = await Promise.all(Array.from({ length: 10 }, () => store.applyFile(objectId, [c])));

      expect(results.filter((r) => r === 'applied')).toHaveLength(1);
      expect(results.filter((r) => r === 'already-applied')).toHaveLength(9);
      expect(totals(await store.readContributions(c.account, c.region, from, to))).toEqual(totals([c]));
    });

    it('splits a large object into parts, applies them all or nothing, and merges them on read', async () => {
      const maxItemBytes = 1_500;
      const store = await fresh({ maxItemBytes });
      const objectId = newObjectId('busy');
      const c = { ...wholeRunOf(objectId), account: newAccount() };
      const { from, to } = span(c);
      // Precondition: this really takes a transaction of several parts.
      const plan = planApply(objectId, [c], maxItemBytes);
      expect(plan.mode).toBe('transaction');
      expect(plan.items.length).toBeGreaterThan(5);

      const results = await Promise.all(Array.from({ length: 10 }, () => store.applyFile(objectId, [c])));

      expect(results.filter((r) => r === 'applied')).toHaveLength(1);
      expect(normalize(await store.readContributions(c.account, c.region, from, to))).toEqual(normalize([c]));
    });

    it('splits one series too big for an item by minutes', async () => {
      const store = await fresh({ maxItemBytes: 500 });
      const objectId = newObjectId();
      const account = newAccount();
      const minutes = Array.from({ length: 60 }, (_, i): [number, number] => [DAY0 + i * 7, i + 1]);
      const c = contribution(objectId, account, 'us-east-1', { 'c|ec2.amazonaws.com|RunInstances': minutes });
      expect(planApply(objectId, [c], 500).items.length).toBeGreaterThan(1);

      expect(await store.applyFile(objectId, [c])).toBe('applied');

      expect(normalize(await store.readContributions(account, 'us-east-1', DAY0, DAY0 + 1000))).toEqual(normalize([c]));
      const window = await store.readContributions(account, 'us-east-1', DAY0 + 100, DAY0 + 200);
      expect(window.flatMap((x) => x.series.flatMap((s) => s.minutes.map((m) => m.minute)))).toEqual(
        minutes.map(([m]) => m).filter((m) => m >= DAY0 + 100 && m <= DAY0 + 200),
      );
    });

    it('refuses an object beyond the transaction limits with ContributionTooLargeError and writes nothing', async () => {
      const store = await fresh({ maxItemBytes: 400 });
      const objectId = newObjectId();
      const account = newAccount();
      // Hash-like names compress poorly, so these need hundreds of 400-byte items.
      const series: Record<string, Array<[number, number]>> = {};
      for (let i = 0; i < 1000; i++) series[`c|${createHash('sha1').update(`s${i}`).digest('hex')}|Create`] = [[DAY0 + i, 1]];
      const c = contribution(objectId, account, 'us-east-1', series);
      expect(() => planApply(objectId, [c], 400)).toThrow(/a transaction holds/);

      await expect(store.applyFile(objectId, [c])).rejects.toBeInstanceOf(ContributionTooLargeError);

      expect(await store.readContributions(account, 'us-east-1', DAY0, DAY0 + 200)).toEqual([]);
    });

    it('refuses contributions that break the Contribution contract', async () => {
      const store = await fresh();
      const objectId = newObjectId();
      const account = newAccount();
      const ok = contribution(objectId, account, 'us-east-1', { 'c|a|B': [[DAY0, 1]] });

      await expect(store.applyFile(objectId, [{ ...ok, objectId: 'another' }])).rejects.toBeInstanceOf(InvalidContributionError);
      await expect(store.applyFile(objectId, [ok, ok])).rejects.toBeInstanceOf(InvalidContributionError);
      const unsorted = { ...ok, series: [{ id: 'c|a|B', minutes: [...(ok.series[0]?.minutes ?? []), ...(ok.series[0]?.minutes ?? [])] }] };
      await expect(store.applyFile(objectId, [unsorted])).rejects.toBeInstanceOf(InvalidContributionError);

      // Nothing was recorded: the valid object still applies.
      expect(await store.applyFile(objectId, [ok])).toBe('applied');
    });

    it('applies an object without counts as `applied`, every time, and stores nothing', async () => {
      const store = await fresh();
      const objectId = newObjectId('empty');
      const account = newAccount();

      expect(await store.applyFile(objectId, [])).toBe('applied');
      expect(await store.applyFile(objectId, [])).toBe('applied');
      expect(await store.applyFile(objectId, [{ objectId, account, region: 'us-east-1', series: [{ id: 'c|a|B', minutes: [] }] }])).toBe('applied');

      expect(await store.readContributions(account, 'us-east-1', DAY0 - MINUTES_PER_DAY, DAY0 + 2 * MINUTES_PER_DAY)).toEqual([]);
    });

    it('splits an object spanning midnight per day and reads any window across the boundary', async () => {
      const store = await fresh();
      const objectId = newObjectId();
      const account = newAccount();
      const midnight = DAY0 + MINUTES_PER_DAY;
      const c = contribution(objectId, account, 'us-east-1', {
        'c|iam.amazonaws.com|CreateUser': [[midnight - 2, 1], [midnight - 1, 2], [midnight, 3], [midnight + 1, 4]],
        'e|ssm.amazonaws.com|GetParameter|ThrottlingException': [[midnight - 30, 5]],
      });
      expect(planApply(objectId, [c], 350 * 1024).items).toHaveLength(2);
      await store.applyFile(objectId, [c]);

      const testCases: Array<{ from: number; to: number }> = [
        { from: midnight - 60, to: midnight + 60 },
        { from: midnight - 1, to: midnight },
        { from: midnight, to: midnight },
        { from: midnight - 1, to: midnight - 1 },
        { from: midnight - 30, to: midnight - 2 },
        { from: midnight + 1, to: midnight + MINUTES_PER_DAY * 2 },
        { from: midnight - MINUTES_PER_DAY * 2, to: midnight - 3 },
        { from: midnight + 2, to: midnight + 100 },
        { from: midnight - 29, to: midnight - 3 },
      ];
      for (const { from, to } of testCases) {
        const expected = trim(c, from, to);
        expect(normalize(await store.readContributions(account, 'us-east-1', from, to)), `${from - midnight}..${to - midnight}`).toEqual(
          expected ? normalize([expected]) : [],
        );
      }
    });

    it('keeps account-regions apart, within one object and across objects', async () => {
      const store = await fresh();
      const [a1, a2] = [newAccount(), newAccount()];
      const shared = newObjectId('org');
      const inA1East = contribution(shared, a1, 'us-east-1', { 'c|a|X': [[DAY0 + 5, 1]] });
      const inA1West = contribution(shared, a1, 'eu-west-1', { 'c|a|X': [[DAY0 + 5, 2]] });
      const other = newObjectId();
      const inA2East = contribution(other, a2, 'us-east-1', { 'c|a|X': [[DAY0 + 5, 3]] });

      expect(await store.applyFile(shared, [inA1East, inA1West])).toBe('applied');
      expect(await store.applyFile(other, [inA2East])).toBe('applied');

      expect(normalize(await store.readContributions(a1, 'us-east-1', DAY0, DAY0 + 10))).toEqual([inA1East]);
      expect(normalize(await store.readContributions(a1, 'eu-west-1', DAY0, DAY0 + 10))).toEqual([inA1West]);
      expect(normalize(await store.readContributions(a2, 'us-east-1', DAY0, DAY0 + 10))).toEqual([inA2East]);
      expect(await store.readContributions(a2, 'eu-west-1', DAY0, DAY0 + 10)).toEqual([]);
    });

    it('round-trips an object id too long to sit in a key', async () => {
      const store = await fresh();
      const objectId = `bucket/${'k'.repeat(900)}/${salt()}.json.gz`;
      const account = newAccount();
      const c = contribution(objectId, account, 'us-east-1', { 'c|a|X': [[DAY0, 1]] });

      expect(await store.applyFile(objectId, [c])).toBe('applied');
      expect(await store.applyFile(objectId, [c])).toBe('already-applied');

      expect(await store.readContributions(account, 'us-east-1', DAY0, DAY0)).toEqual([c]);
    });

    const property = (maxItemBytes: number | undefined) => async () => {
      const store = await fresh(maxItemBytes === undefined ? {} : { maxItemBytes });
      await fc.assert(
        fc.asyncProperty(
          fc.array(objectArbitrary(3), { minLength: 1, maxLength: 5 }),
          // Duplicate deliveries: some objects are applied twice, some concurrently.
          fc.array(fc.nat(), { maxLength: 8 }),
          edgeArbitrary,
          edgeArbitrary,
          async (generated, repeats, edgeA, edgeB) => {
            // Fresh accounts and ids on every run: the store outlives the runs.
            const [a1, a2] = [newAccount(), newAccount()];
            const scopes = [[a1, 'us-east-1'], [a1, 'eu-west-1'], [a2, 'us-east-1']] as const;
            const objects = generated.map((g) => {
              const objectId = newObjectId();
              return { objectId, contributions: toContributions(objectId, g, scopes) };
            });
            const deliveries = [...objects.keys(), ...repeats.map((r) => r % objects.length)];
            await Promise.all(deliveries.map((i) => store.applyFile(objects[i]!.objectId, objects[i]!.contributions)));
            const [from, to] = [edgeMinute(edgeA, generated), edgeMinute(edgeB, generated)].sort((a, b) => a - b) as [number, number];

            for (const [account, region] of scopes) {
              const expected = objects
                .flatMap((o) => o.contributions)
                .filter((c) => c.account === account && c.region === region)
                .flatMap((c) => trim(c, from, to) ?? []);
              const actual = await store.readContributions(account, region, from, to);
              // A cheap check with a one-line message: a deep diff on every shrinking
              // step costs more than the property.
              const difference = firstDifference(normalize(expected), normalize(actual));
              if (difference) throw new Error(`${account}/${region} [${from}, ${to}]: ${difference}`);
            }
          },
        ),
        { numRuns: runs },
      );
    };

    it('reads exactly the applied counts over random windows (property)', property(undefined));
    it('reads exactly the applied counts over random windows with multi-part objects (property)', property(900));
  });

  describe(`Store contract (${name}): hasCounts`, () => {
    const cases = [
      { name: 'a one-item object', knobs: undefined, objectId: () => newObjectId('counted') },
      { name: 'a multi-part object', knobs: { maxItemBytes: 900 }, objectId: () => newObjectId('parts') },
      { name: 'an object id too long for a key', knobs: undefined, objectId: () => `${newObjectId('long')}/${'x'.repeat(700)}` },
    ];

    it.each(cases)('finds $name by id, account-region and a window holding its last minute', async ({ knobs, objectId }) => {
      const store = await fresh(knobs);
      const account = newAccount();
      const id = objectId();
      const minutes: Array<[number, number]> = Array.from({ length: 40 }, (_, i) => [DAY0 + MINUTES_PER_DAY - 20 + i, i + 1]);
      await store.applyFile(id, [contribution(id, account, 'us-east-1', { 'c|ec2.amazonaws.com|RunInstances': minutes, 'c|iam.amazonaws.com|CreateUser': minutes })]);
      const last = DAY0 + MINUTES_PER_DAY + 19;

      expect(await store.hasCounts(id, account, 'us-east-1', DAY0 + MINUTES_PER_DAY - 30, last + 5)).toBe(true);
      expect(await store.hasCounts(id, account, 'us-east-1', last, last)).toBe(true);
      expect(await store.hasCounts(`${id}-other`, account, 'us-east-1', DAY0, last + 5)).toBe(false);
      expect(await store.hasCounts(id, account, 'eu-west-1', DAY0, last + 5)).toBe(false);
      expect(await store.hasCounts(id, account, 'us-east-1', last + 1, last + 600)).toBe(false);
    });

    it('answers false for an object with nothing to count', async () => {
      const store = await fresh();
      const account = newAccount();
      const id = newObjectId('empty');
      await store.applyFile(id, []);

      expect(await store.hasCounts(id, account, 'us-east-1', DAY0, DAY0 + MINUTES_PER_DAY)).toBe(false);
    });
  });

  describe(`Store contract (${name}): quarantine`, () => {
    it('stores a record once and returns it', async () => {
      const store = await fresh();
      const objectId = newObjectId('bad');
      const record = { objectId, bucket: 'trail-bucket', key: objectId.slice('trail-bucket/'.length), code: 'truncated-gzip', reason: 'unexpected end of file at byte 1024', minute: DAY0 + 3 };

      expect(await store.readQuarantine(objectId)).toBeUndefined();
      await store.quarantine(record);
      await store.quarantine(record);

      expect(await store.readQuarantine(objectId)).toEqual(record);
      expect(await store.readQuarantine(newObjectId('other'))).toBeUndefined();
    });

    it('keeps long object ids apart', async () => {
      const store = await fresh();
      const stem = `bucket/${'x'.repeat(700)}`;
      const records = ['a', 'b'].map((end) => ({ objectId: `${stem}${salt()}${end}`, bucket: 'bucket', key: 'k', code: 'invalid-json', reason: end, minute: DAY0 }));

      await Promise.all(records.map((r) => store.quarantine(r)));

      for (const r of records) expect(await store.readQuarantine(r.objectId)).toEqual(r);
    });
  });

  describe(`Store contract (${name}): registry`, () => {
    const location: LogLocation = { bucket: 'trail-bucket', prefix: 'org/', orgId: 'o-abc123' };

    it('keeps what it saw first and joins the account entry', async () => {
      const store = await fresh();
      const account = newAccount();

      const first = await store.touch(account, 'us-east-1', DAY0 + 10, location);
      const again = await store.touch(account, 'us-east-1', DAY0 + 5, { bucket: 'elsewhere', prefix: '' });
      const west = await store.touch(account, 'eu-west-1', DAY0 + 30, { bucket: 'trail-bucket', prefix: '' });

      expect(first).toEqual({ account, region: 'us-east-1', firstMinute: DAY0 + 10, accountFirstMinute: DAY0 + 10, location });
      expect(again).toEqual(first);
      expect(west).toEqual({ account, region: 'eu-west-1', firstMinute: DAY0 + 30, accountFirstMinute: DAY0 + 10, location: { bucket: 'trail-bucket', prefix: '' } });
      const listed = (await store.listAccountRegions()).filter((e) => e.account === account);
      expect(listed.sort((a, b) => (a.region < b.region ? -1 : 1))).toEqual([west, first]);
    });

    it('makes concurrent first touches agree on one entry', async () => {
      const store = await fresh();
      const account = newAccount();

      const entries = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.touch(account, i % 2 === 0 ? 'us-east-1' : 'us-west-2', DAY0 + i, { bucket: `b${i}`, prefix: '' })),
      );

      const east = entries.filter((e) => e.region === 'us-east-1');
      const west = entries.filter((e) => e.region === 'us-west-2');
      expect(new Set(east.map((e) => JSON.stringify(e))).size).toBe(1);
      expect(new Set(west.map((e) => JSON.stringify(e))).size).toBe(1);
      expect(east[0]?.accountFirstMinute).toBe(west[0]?.accountFirstMinute);
      const listed = (await store.listAccountRegions()).filter((e) => e.account === account);
      expect(listed).toHaveLength(2);
      expect(listed).toContainEqual(east[0]);
      expect(listed).toContainEqual(west[0]);
    });
  });

  describe(`Store contract (${name}): evaluate state and dirty hours`, () => {
    it('starts at version 0 and saves only on the expected version', async () => {
      const store = await fresh();
      const account = newAccount();
      const initial = await store.readState(account, 'us-east-1');
      expect(initial).toEqual({ account, region: 'us-east-1', version: 0 });

      const v1 = await store.saveState({ ...initial, closedThrough: DAY0 + 59, rollingThroughHour: DAY0 / 60 });
      expect(v1).toBe(1);
      expect(await store.saveState({ ...initial, closedThrough: DAY0 })).toBeUndefined();
      const read = await store.readState(account, 'us-east-1');
      expect(read).toEqual({ account, region: 'us-east-1', version: 1, closedThrough: DAY0 + 59, rollingThroughHour: DAY0 / 60 });

      // A field left out is gone: the state is replaced, not merged.
      expect(await store.saveState({ account, region: 'us-east-1', version: 1, rolledThroughHour: DAY0 / 60 })).toBe(2);
      expect(await store.readState(account, 'us-east-1')).toEqual({ account, region: 'us-east-1', version: 2, rolledThroughHour: DAY0 / 60 });
      const full = { account, region: 'us-east-1', version: 2, closedThrough: DAY0 + 119, rollingThroughHour: DAY0 / 60 + 1, rolledThroughHour: DAY0 / 60 + 1, checkpointHour: DAY0 / 60, baselineEpoch: 7 };
      expect(await store.saveState(full)).toBe(3);
      expect(await store.readState(account, 'us-east-1')).toEqual({ ...full, version: 3 });
      expect(await store.readState(account, 'eu-west-1')).toEqual({ account, region: 'eu-west-1', version: 0 });
    });

    it('lets exactly one of concurrent saves on one version win', async () => {
      const store = await fresh();
      const account = newAccount();
      await store.saveState({ account, region: 'us-east-1', version: 0 });

      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.saveState({ account, region: 'us-east-1', version: 1, closedThrough: i })));

      expect(results.filter((r) => r === 2)).toHaveLength(1);
      expect(results.filter((r) => r === undefined)).toHaveLength(7);
      const winner = results.indexOf(2);
      expect((await store.readState(account, 'us-east-1')).closedThrough).toBe(winner);
    });

    it('clears exactly the listed dirty marks; marks written after the listing survive', async () => {
      const store = await fresh();
      const account = newAccount();
      const hour = DAY0 / 60;
      const early = [
        { hour: hour + 1, objectId: newObjectId() },
        { hour, objectId: newObjectId() },
        { hour, objectId: `b/${'y'.repeat(800)}${salt()}` },
      ];
      for (const mark of early) await store.markDirty(account, 'us-east-1', mark);
      await store.markDirty(account, 'us-east-1', early[0]!);
      await store.markDirty(account, 'eu-west-1', { hour, objectId: newObjectId() });

      const listed = await store.listDirty(account, 'us-east-1');
      expect(listed.map((m) => m.hour).sort()).toEqual([hour, hour, hour + 1]);
      expect(new Set(listed.map((m) => m.objectId))).toEqual(new Set(early.map((m) => m.objectId)));
      const late = { hour, objectId: newObjectId('late') };
      await store.markDirty(account, 'us-east-1', late);

      await store.clearDirty(account, 'us-east-1', listed);

      expect(await store.listDirty(account, 'us-east-1')).toEqual([late]);
      expect(await store.listDirty(account, 'eu-west-1')).toHaveLength(1);
      await store.clearDirty(account, 'us-east-1', []);
    });

    it('clears many marks at once', async () => {
      const store = await fresh();
      const account = newAccount();
      const marks = Array.from({ length: 60 }, (_, i) => ({ hour: DAY0 / 60 + (i % 7), objectId: newObjectId(`m${i}`) }));
      await Promise.all(marks.map((m) => store.markDirty(account, 'us-east-1', m)));

      expect(await store.listDirty(account, 'us-east-1')).toHaveLength(60);
      await store.clearDirty(account, 'us-east-1', [...marks, ...marks.slice(0, 5)]);

      expect(await store.listDirty(account, 'us-east-1')).toEqual([]);
    });
  });

  describe(`Store contract (${name}): baselines and rollups`, () => {
    const stats = (count: number): HourStats => ({
      count,
      sumSquares: count * count,
      peak1: count,
      peak5: count,
      peak15: count,
      activeMinutes: 1,
      leadingIdle: 0,
      trailingIdle: 59,
      longestIdle: 59,
    });
    const baseline = (id: string, ...counts: number[]): SeriesBaseline => ({ id, hours: counts.map((c, i): [number, HourStats] => [DAY0 / 60 + i, stats(c)]) });

    it('overwrites each series and deletes a series left with no hours', async () => {
      const store = await fresh();
      const account = newAccount();
      await store.writeBaselines(account, 'us-east-1', [baseline('c|a|X', 1, 2), baseline('c|a|Y', 3), baseline('e|a|Y|Denied', 4)]);

      await store.writeBaselines(account, 'us-east-1', [baseline('c|a|X', 9), baseline('c|a|Y')]);

      const read = await store.readBaselines(account, 'us-east-1');
      expect(read.sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual([baseline('c|a|X', 9), baseline('e|a|Y|Denied', 4)]);
      expect(await store.readBaselines(account, 'eu-west-1')).toEqual([]);
      await store.writeBaselines(account, 'us-east-1', []);
    });

    it('writes many baselines, the last of a repeated series winning', async () => {
      const store = await fresh();
      const account = newAccount();
      const many = Array.from({ length: 70 }, (_, i) => baseline(`c|svc${String(i).padStart(2, '0')}|Op`, i + 1, i + 2));

      await store.writeBaselines(account, 'us-east-1', [...many, baseline('c|svc00|Op', 42)]);

      const read = (await store.readBaselines(account, 'us-east-1')).sort((a, b) => (a.id < b.id ? -1 : 1));
      expect(read).toEqual([baseline('c|svc00|Op', 42), ...many.slice(1)]);
    });

    it('overwrites rollups and reads an hour range in ascending order', async () => {
      const store = await fresh();
      const account = newAccount();
      const h0 = DAY0 / 60;
      const rollup = (hour: number, count: number): HourRollup => ({
        hour,
        series: [{ id: 'c|a|X', stats: stats(count), attributions: { userIdentityArn: [['arn:aws:iam::1:user/a', count]], userAgent: [], errorCode: [['null', count]] } }],
      });
      for (const hour of [h0 + 5, h0 + 1, h0 + 3, h0 + 2, h0 + 4]) await store.writeRollup(account, 'us-east-1', rollup(hour, hour - h0));
      await store.writeRollup(account, 'us-east-1', rollup(h0 + 3, 33));
      await store.writeRollup(account, 'eu-west-1', rollup(h0 + 2, 99));

      expect(await store.readRollups(account, 'us-east-1', h0 + 2, h0 + 4)).toEqual([rollup(h0 + 2, 2), rollup(h0 + 3, 33), rollup(h0 + 4, 4)]);
      expect(await store.readRollups(account, 'us-east-1', h0 + 5, h0 + 5)).toEqual([rollup(h0 + 5, 5)]);
      expect(await store.readRollups(account, 'us-east-1', h0 + 6, h0 + 9)).toEqual([]);
      expect(await store.readRollups(account, 'us-east-1', h0 + 4, h0 + 2)).toEqual([]);
      expect(await store.readRollups(account, 'eu-west-1', h0, h0 + 9)).toEqual([rollup(h0 + 2, 99)]);
    });
  });

  describe(`Store contract (${name}): insights`, () => {
    it('opens once per series and returns the open one afterwards', async () => {
      const store = await fresh();
      const account = newAccount();

      const first = await store.openInsight(opening(account));
      const second = await store.openInsight({ ...opening(account), startMinute: DAY0 + 800 });
      const otherSeries = await store.openInsight(opening(account, 'e|ec2.amazonaws.com|RunInstances|Client.UnauthorizedOperation'));

      expect(first).toEqual({ created: true, state: { ...opening(account), version: 1 } });
      expect(second).toEqual({ created: false, existing: { ...opening(account), version: 1 } });
      expect(otherSeries.created).toBe(true);
      expect(await store.readInsights(account, 'us-east-1')).toHaveLength(2);
      expect(await store.readInsights(account, 'eu-west-1')).toEqual([]);
    });

    it('updates on the current version only', async () => {
      const store = await fresh();
      const account = newAccount();
      const opened = await store.openInsight(opening(account));
      if (!opened.created) throw new Error('precondition: created');

      const published = { ...opened.state, startPublished: true };
      expect(await store.updateInsight(published)).toBe(2);
      expect(await store.updateInsight({ ...opened.state, kind: 'drop' })).toBeUndefined();
      expect(await store.updateInsight({ ...published, version: 3 })).toBeUndefined();

      expect(await store.readInsights(account, 'us-east-1')).toEqual([{ ...published, version: 2 }]);
      expect(await store.updateInsight({ ...opening(newAccount()), version: 1 })).toBeUndefined();
    });

    it('replaces an ended insight when the series opens again', async () => {
      const store = await fresh();
      const account = newAccount();
      const opened = await store.openInsight(opening(account));
      if (!opened.created) throw new Error('precondition: created');
      const ended: InsightState = { ...opened.state, status: 'ended', endMinute: DAY0 + 725, end: record(account, 'End', DAY0 + 725), startPublished: true };
      expect(await store.updateInsight(ended)).toBe(2);
      expect(await store.readInsights(account, 'us-east-1')).toEqual([{ ...ended, version: 2 }]);

      const reopened = await store.openInsight(opening(account, undefined, DAY0 + 900));

      expect(reopened).toEqual({ created: true, state: { ...opening(account, undefined, DAY0 + 900), version: 1 } });
      expect(await store.readInsights(account, 'us-east-1')).toEqual([{ ...opening(account, undefined, DAY0 + 900), version: 1 }]);
    });

    it('creates exactly one of ten concurrent opens, and all agree on it', async () => {
      const store = await fresh();
      const account = newAccount();

      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.openInsight(opening(account, undefined, DAY0 + i))));

      const created = results.flatMap((r) => (r.created ? [r.state] : []));
      expect(created).toHaveLength(1);
      for (const r of results) if (!r.created) expect(r.existing).toEqual(created[0]);
      expect(await store.readInsights(account, 'us-east-1')).toEqual(created);
    });
  });
}
