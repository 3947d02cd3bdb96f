import { DynamoDBClient, GetItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Contribution } from '../../lib/aggregate/types.js';
import { planApply } from '../../lib/store/contribution-items.js';
import { DynamoDbStore } from '../../lib/store/dynamodb-store.js';
import { ContributionTooLargeError } from '../../lib/store/errors.js';
import { dayOf } from '../../lib/time/minute.js';
import { useLocalAws } from '../support/aws-env.js';
import { DAY0, contribution, newAccount, newObjectId, opening } from '../contract/helpers.js';
import { storeContract } from '../contract/store-contract.js';

const aws = useLocalAws();
// Built like the engine builds it: everything from the standard environment.
const client = new DynamoDBClient({});
let tableName = '';

beforeAll(async () => {
  tableName = (await aws.createTestTable({ label: 'store' })).name;
});

storeContract('dynamodb', async (knobs = {}) => ({ store: new DynamoDbStore({ client, tableName, ...knobs }) }), { propertyRuns: 15 });

describe('Class: DynamoDbStore (item layout)', () => {
  const NOW_MS = Date.UTC(2030, 0, 1);
  const NOW_S = NOW_MS / 1000;
  const DAY_S = 86_400;
  const storeAt = (nowMs: number, maxItemBytes?: number) =>
    new DynamoDbStore({ client, tableName, now: () => nowMs, ...(maxItemBytes === undefined ? {} : { maxItemBytes }) });
  const query = async (pk: string): Promise<Array<Record<string, AttributeValue>>> =>
    (await client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: pk } }, ConsistentRead: true }))).Items ?? [];
  const get = async (pk: string, sk: string) =>
    (await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: true }))).Item;

  it('writes a file-sized object as one item, its own ledger, with no ledger item', async () => {
    const objectId = newObjectId();
    const account = newAccount();
    const c = contribution(objectId, account, 'us-east-1', { 'c|iam.amazonaws.com|CreateUser': [[DAY0 + 700, 3], [DAY0 + 702, 1]] });

    await storeAt(Date.UTC(2023, 6, 10, 11)).applyFile(objectId, [c]);

    const items = await query(`C#${account}#us-east-1#${dayOf(DAY0)}`);
    expect(items).toHaveLength(1);
    const [item] = items;
    expect(item?.sk?.S).toBe(`${String(DAY0 + 702).padStart(10, '0')}#${objectId}`);
    expect(item?.min?.N).toBe(String(DAY0 + 700));
    expect(item?.max?.N).toBe(String(DAY0 + 702));
    expect(item?.p).toBeUndefined();
    expect(item?.d?.B?.byteLength).toBeGreaterThan(0);
    // TTL runs from the end of the last minute: 3 days.
    expect(Number(item?.expiresAt?.N)).toBe((DAY0 + 703) * 60 + 3 * DAY_S);
    expect(await get(`L#${objectId}`, 'L')).toBeUndefined();
  });

  it('writes a multi-part object as parts plus a ledger in one transaction', async () => {
    const objectId = newObjectId();
    const account = newAccount();
    const minutes = Array.from({ length: 40 }, (_, i): [number, number] => [DAY0 + 1430 + i, i + 1]);
    const c = contribution(objectId, account, 'us-east-1', { 'c|ec2.amazonaws.com|RunInstances': minutes });
    const plan = planApply(objectId, [c], 700);

    expect(await storeAt(NOW_MS, 700).applyFile(objectId, [c])).toBe('applied');

    const stored = [...(await query(`C#${account}#us-east-1#${dayOf(DAY0)}`)), ...(await query(`C#${account}#us-east-1#${dayOf(DAY0) + 1}`))];
    expect(stored.map((i) => i.sk?.S).sort()).toEqual(plan.items.map((i) => i.sk).sort());
    expect(stored.map((i) => Number(i.p?.N)).sort((a, b) => a - b)).toEqual(plan.items.map((_, i) => i));
    const ledger = await get(`L#${objectId}`, 'L');
    // Replayed long after the fact: TTL runs from the write, or the item would be born expired.
    expect(Number(ledger?.expiresAt?.N)).toBe(NOW_S + 3 * DAY_S);
    for (const item of stored) expect(Number(item.expiresAt?.N)).toBe(NOW_S + 3 * DAY_S);
  });

  it('sizes items as DynamoDB does: an item planned at the 400 KB limit is accepted', async () => {
    const LIMIT = 400 * 1024;
    const objectId = newObjectId('huge');
    const account = newAccount();
    const noise = randomBytes(560_000).toString('base64');
    const withValue = (length: number): Contribution => ({
      objectId,
      account,
      region: 'us-east-1',
      series: [{ id: 'c|a|X', minutes: [{ minute: DAY0, count: 1, attributions: { userIdentityArn: [[noise.slice(0, length), 1]], userAgent: [], errorCode: [] } }] }],
    });
    const plannedBytes = (length: number): number | undefined => {
      try {
        return planApply(objectId, [withValue(length)], LIMIT).items[0]?.bytes;
      } catch (error) {
        if (error instanceof ContributionTooLargeError) return undefined;
        throw error;
      }
    };
    // The longest value whose item still fits by our accounting.
    let [fits, tooBig] = [1, noise.length];
    while (tooBig - fits > 1) {
      const mid = Math.floor((fits + tooBig) / 2);
      if (plannedBytes(mid) === undefined) tooBig = mid;
      else fits = mid;
    }
    expect(plannedBytes(fits)).toBeGreaterThan(LIMIT - 64);

    expect(await storeAt(NOW_MS, LIMIT).applyFile(objectId, [withValue(fits)])).toBe('applied');
    expect(await storeAt(NOW_MS, LIMIT).readContributions(account, 'us-east-1', DAY0, DAY0)).toEqual([withValue(fits)]);
  });

  it('gives rollups, quarantine records and ended insights a TTL, and open insights none', async () => {
    const account = newAccount();
    const store = storeAt(NOW_MS, undefined);
    const hour = DAY0 / 60 + 1_000_000;
    await store.writeRollup(account, 'us-east-1', { hour, series: [] });
    const objectId = newObjectId('bad');
    await store.quarantine({ objectId, bucket: 'b', key: 'k', code: 'invalid-json', reason: 'at byte 3', minute: NOW_MS / 60_000 });

    expect(Number((await get(`H#${account}#us-east-1`, String(hour).padStart(10, '0')))?.expiresAt?.N)).toBe((hour + 1) * 3600 + 9 * DAY_S);
    const quarantined = await get(`Q#${objectId}`, 'Q');
    expect(Number(quarantined?.expiresAt?.N)).toBe(NOW_S + 30 * DAY_S);
    expect(quarantined?.code?.S).toBe('invalid-json');

    const opened = await store.openInsight(opening(account, 'c|a|X', DAY0));
    if (!opened.created) throw new Error('precondition: created');
    expect((await get(`I#${account}#us-east-1`, 'c|a|X'))?.expiresAt).toBeUndefined();
    await store.updateInsight({ ...opened.state, status: 'ended', endMinute: DAY0 + 5 });
    const ended = await get(`I#${account}#us-east-1`, 'c|a|X');
    expect(ended?.status?.S).toBe('ended');
    expect(Number(ended?.expiresAt?.N)).toBe(NOW_S + 8 * DAY_S);
  });
});
