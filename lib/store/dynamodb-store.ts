import { randomUUID } from 'node:crypto';
import {
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  type AttributeValue,
  type DynamoDBClient,
  type PutItemCommandInput,
  type QueryCommandInput,
  type TransactWriteItem,
  type WriteRequest,
  paginateQuery,
} from '@aws-sdk/client-dynamodb';
import type { Contribution } from '../aggregate/types.js';
import { realPacing, waitBeforeRetry, type Backoff, type RetryPacing } from '../async/backoff.js';
import { forEachBounded } from '../async/bounded.js';
import type { HourRollup, SeriesBaseline } from '../baseline/types.js';
import type { LogLocation } from '../cloudtrail/location.js';
import type { SeriesId } from '../series/series.js';
import { dayOf, type Hour, type Minute } from '../time/minute.js';
import { decode, encode } from './codec.js';
import { DEFAULT_MAX_ITEM_BYTES, decodedSeries, mergeParts, planApply, type ContributionItem, type StoredPart } from './contribution-items.js';
import { ApplyConflictError, InsightOpenConflictError, MalformedItemError, UnprocessedWritesError } from './errors.js';
import { Keys, objectIdFromSk, objectKeyPart, pad, unpad } from './keys.js';
import { DEFAULT_RETENTION_DAYS, expiresAt } from './retention.js';
import type {
  AccountRegion,
  ApplyResult,
  DirtyHour,
  EvaluateState,
  InsightState,
  OpenResult,
  QuarantineRecord,
  Store,
} from './store.js';

export interface DynamoDbStoreOptions {
  /** Created once per container and reused; endpoint and region come from the standard env vars. */
  client: DynamoDBClient;
  tableName: string;
  /** How long contributions (and their ledger) outlive their last minute or their write, whichever is later. Default 3. */
  contributionRetentionDays?: number;
  /** How long hour rollups outlive their hour or their write, whichever is later. Default 9. */
  rollupRetentionDays?: number;
  /** How long an ended insight stays readable. Default 8. */
  endedInsightRetentionDays?: number;
  /** How long a quarantine record stays. Default 30. */
  quarantineRetentionDays?: number;
  /** Contributions are split into items of at most this size. Default 350 KB (the limit is 400 KB). */
  maxItemBytes?: number;
  /** Epoch milliseconds, for TTLs. Default `Date.now`. */
  now?: () => number;
  /** Clock and jitter of the store's own retries; real ones by default. */
  pacing?: RetryPacing;
}

type Item = Record<string, AttributeValue>;

/** BatchWriteItem takes at most 25 requests. */
const BATCH_SIZE = 25;
/** Batches in flight per call: enough to hide latency, few enough not to self-throttle. */
const BATCH_CONCURRENCY = 4;
/** Day partitions queried at once by `readContributions` (windows are hours long; days are few). */
const QUERY_CONCURRENCY = 4;
/** Unprocessed items are retried with backoff this many times (≈ 6 s of waiting at most). */
const BATCH_ATTEMPTS = 10;
/** Unprocessed items: DynamoDB is shedding load, so back off towards seconds. */
const BATCH_BACKOFF: Backoff = { baseMs: 50, capMs: 2_000 };
/** Two invocations applying one object conflict at most briefly; then one of them has won. */
const TRANSACTION_ATTEMPTS = 5;
/** Transaction conflicts: the racer commits within milliseconds. */
const TRANSACTION_BACKOFF: Backoff = { baseMs: 100, capMs: 1_000 };
const OPEN_INSIGHT_ATTEMPTS = 5;

/**
 * The store on one DynamoDB table (layout: docs/dynamodb-layout.md). Writes are what
 * DynamoDB bills most, so a log object normally costs one PutItem of one compressed
 * item, and every derived item is overwritten in place, never incremented.
 * Every read the engine decides on is strongly consistent.
 *
 * @example
 * const client = new DynamoDBClient({});
 * const store = new DynamoDbStore({ client, tableName: env.TABLE_NAME });
 * if ((await store.applyFile(objectId, contributions)) === 'applied') { ... }
 */
export class DynamoDbStore implements Store {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly contributionDays: number;
  private readonly rollupDays: number;
  private readonly endedInsightDays: number;
  private readonly quarantineDays: number;
  private readonly maxItemBytes: number;
  private readonly now: () => number;
  private readonly pacing: RetryPacing;

  constructor(options: DynamoDbStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.contributionDays = options.contributionRetentionDays ?? DEFAULT_RETENTION_DAYS.contributions;
    this.rollupDays = options.rollupRetentionDays ?? DEFAULT_RETENTION_DAYS.rollups;
    this.endedInsightDays = options.endedInsightRetentionDays ?? DEFAULT_RETENTION_DAYS.endedInsights;
    this.quarantineDays = options.quarantineRetentionDays ?? DEFAULT_RETENTION_DAYS.quarantine;
    this.maxItemBytes = options.maxItemBytes ?? DEFAULT_MAX_ITEM_BYTES;
    this.now = options.now ?? Date.now;
    this.pacing = options.pacing ?? realPacing;
  }

  // ---- counts -------------------------------------------------------------------------

  async applyFile(objectId: string, contributions: readonly Contribution[]): Promise<ApplyResult> {
    const plan = planApply(objectId, contributions, this.maxItemBytes);
    // Most CloudTrail files hold no write or error at all: writing a ledger for them
    // would cost a WCU each for nothing, so an empty object leaves no trace.
    if (plan.mode === 'none') return 'applied';
    if (plan.mode === 'single') {
      // The only item is its own ledger: its key is a function of the object.
      const [item] = plan.items as [ContributionItem];
      try {
        await this.put({ Item: this.contributionItem(item), ConditionExpression: 'attribute_not_exists(pk)' });
        return 'applied';
      } catch (error) {
        if (isSdkError(error, 'ConditionalCheckFailedException')) return 'already-applied';
        throw error;
      }
    }
    return this.applyTransaction(objectId, plan.items);
  }

  private async applyTransaction(objectId: string, items: ContributionItem[]): Promise<ApplyResult> {
    const { part, hashed } = objectKeyPart(objectId);
    const lastSecond = Math.max(...items.map((item) => (item.max + 1) * 60));
    const ledger: Item = {
      pk: S(Keys.ledgerPk(part)),
      sk: S(Keys.ledgerSk),
      expiresAt: N(this.ttl(lastSecond, this.contributionDays)),
      ...(hashed ? { o: S(objectId) } : {}),
    };
    const actions: TransactWriteItem[] = [
      { Put: { TableName: this.tableName, Item: ledger, ConditionExpression: 'attribute_not_exists(pk)' } },
      ...items.map((item): TransactWriteItem => ({ Put: { TableName: this.tableName, Item: this.contributionItem(item) } })),
    ];
    for (let attempt = 0; attempt < TRANSACTION_ATTEMPTS; attempt++) {
      if (attempt > 0) await waitBeforeRetry(attempt, TRANSACTION_BACKOFF, this.pacing);
      try {
        // A fresh token per attempt: the SDK reuses it across its own network retries,
        // which makes a retried commit idempotent, but a conflict-cancelled attempt must
        // really run again.
        await this.client.send(new TransactWriteItemsCommand({ TransactItems: actions, ClientRequestToken: randomUUID() }));
        return 'applied';
      } catch (error) {
        if (isSdkError(error, 'TransactionCanceledException')) {
          const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
          if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'already-applied';
          if (reasons.some((reason) => reason.Code === 'TransactionConflict')) continue;
        } else if (isSdkError(error, 'TransactionConflictException')) {
          continue;
        }
        throw error;
      }
    }
    // Still conflicting: whoever we raced may have committed by now.
    const existing = await this.get(ledger.pk as AttributeValue, ledger.sk as AttributeValue);
    if (existing) return 'already-applied';
    throw new ApplyConflictError(objectId, TRANSACTION_ATTEMPTS);
  }

  private contributionItem(item: ContributionItem): Item {
    return {
      pk: S(item.pk),
      sk: S(item.sk),
      min: N(item.min),
      max: N(item.max),
      d: B(item.d),
      expiresAt: N(this.ttl((item.max + 1) * 60, this.contributionDays)),
      ...(item.part === undefined ? {} : { p: N(item.part) }),
      ...(item.fullObjectId === undefined ? {} : { o: S(item.fullObjectId) }),
    };
  }

  async readContributions(account: string, region: string, from: Minute, to: Minute): Promise<Contribution[]> {
    const days: number[] = [];
    for (let day = dayOf(from); day <= dayOf(to); day++) days.push(day);
    const perDay: Item[][] = [];
    // One query per day; bounded so a long window cannot flood the connection pool.
    await forEachBounded(days, QUERY_CONCURRENCY, async (day) => {
      perDay.push(
        await this.query({
          // Items are sorted by their last minute, so this skips every item ending before `from`.
          KeyConditionExpression: 'pk = :pk AND sk >= :from',
          // Filtering costs the same reads but spares decoding and transfer.
          FilterExpression: '#min <= :to',
          ExpressionAttributeNames: { '#min': 'min' },
          ExpressionAttributeValues: { ':pk': S(Keys.contributionPk(account, region, day)), ':from': S(pad(from, 'minute')), ':to': N(to) },
        }),
      );
    });
    const parts: StoredPart[] = [];
    for (const item of perDay.flat()) {
      const sk = requireS(item, 'sk');
      const part = optionalN(item, 'p');
      parts.push({ objectId: objectIdFromSk(sk, optionalS(item, 'o'), part), d: requireB(item, 'd') });
    }
    return mergeParts(account, region, parts, from, to, decodedSeries);
  }

  async hasCounts(objectId: string, account: string, region: string, from: Minute, to: Minute): Promise<boolean> {
    for (let day = dayOf(from); day <= dayOf(to); day++) {
      // Sort keys start with the item's last minute: `<to>$` sorts after every `<to>#...`.
      const items = await this.query({
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ProjectionExpression: 'sk, o, p',
        ExpressionAttributeValues: { ':pk': S(Keys.contributionPk(account, region, day)), ':from': S(pad(from, 'minute')), ':to': S(`${pad(to, 'minute')}$`) },
      });
      if (items.some((item) => objectIdFromSk(requireS(item, 'sk'), optionalS(item, 'o'), optionalN(item, 'p')) === objectId)) return true;
    }
    return false;
  }

  async quarantine(record: QuarantineRecord): Promise<void> {
    // Plain attributes, not bytes: an operator reads these in the console.
    await this.put({
      Item: {
        pk: S(Keys.quarantinePk(objectKeyPart(record.objectId).part)),
        sk: S(Keys.quarantineSk),
        objectId: S(record.objectId),
        bucket: S(record.bucket),
        key: S(record.key),
        code: S(record.code),
        reason: S(record.reason),
        minute: N(record.minute),
        expiresAt: N(this.ttl(record.minute * 60, this.quarantineDays)),
      },
    });
  }

  async readQuarantine(objectId: string): Promise<QuarantineRecord | undefined> {
    const item = await this.get(S(Keys.quarantinePk(objectKeyPart(objectId).part)), S(Keys.quarantineSk));
    if (!item) return undefined;
    return {
      objectId: requireS(item, 'objectId'),
      bucket: requireS(item, 'bucket'),
      key: requireS(item, 'key'),
      code: requireS(item, 'code'),
      reason: requireS(item, 'reason'),
      minute: requireN(item, 'minute'),
    };
  }

  // ---- registry -----------------------------------------------------------------------

  async touch(account: string, region: string, minute: Minute, location: LogLocation): Promise<AccountRegion> {
    const accountKey = { pk: S(Keys.accountPk), sk: S(Keys.accountSk(account)) };
    const regionKey = { pk: S(Keys.registryPk), sk: S(Keys.registrySk(account, region)) };
    // Reads first: after the first file of an account-region, touching costs two reads
    // and no write.
    let [accountItem, regionItem] = await Promise.all([this.get(accountKey.pk, accountKey.sk), this.get(regionKey.pk, regionKey.sk)]);
    // The account entry goes first, so a listed region always finds its account.
    accountItem ??= await this.createOnce({ ...accountKey, account: S(account), firstMinute: N(minute) });
    regionItem ??= await this.createOnce({
      ...regionKey,
      account: S(account),
      region: S(region),
      firstMinute: N(minute),
      ...locationAttributes(location),
    });
    return registryEntry(regionItem, accountItem);
  }

  /** Puts `item` unless its key exists; either way returns what is stored, so racers agree. */
  private async createOnce(item: Item): Promise<Item> {
    try {
      await this.put({ Item: item, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
      return item;
    } catch (error) {
      if (!isSdkError(error, 'ConditionalCheckFailedException')) throw error;
      const existing = (error as { Item?: Item }).Item ?? (await this.get(item.pk as AttributeValue, item.sk as AttributeValue));
      if (!existing) throw new MalformedItemError(requireS(item, 'pk'), requireS(item, 'sk'), 'existence (condition failed, item absent)');
      return existing;
    }
  }

  async listAccountRegions(): Promise<AccountRegion[]> {
    const [regions, accounts] = await Promise.all([
      this.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': S(Keys.registryPk) } }),
      this.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': S(Keys.accountPk) } }),
    ]);
    const byAccount = new Map(accounts.map((item) => [requireS(item, 'sk'), item]));
    return regions.map((item) => registryEntry(item, byAccount.get(requireS(item, 'account'))));
  }

  // ---- evaluate state -----------------------------------------------------------------

  async readState(account: string, region: string): Promise<EvaluateState> {
    const item = await this.get(S(Keys.statePk(account, region)), S(Keys.stateSk));
    if (!item) return { account, region, version: 0 };
    const state: EvaluateState = { account, region, version: requireN(item, 'version') };
    const closedThrough = optionalN(item, 'closedThrough');
    const rollingThroughHour = optionalN(item, 'rollingThroughHour');
    const rolledThroughHour = optionalN(item, 'rolledThroughHour');
    const checkpointHour = optionalN(item, 'checkpointHour');
    const baselineEpoch = optionalN(item, 'baselineEpoch');
    if (closedThrough !== undefined) state.closedThrough = closedThrough;
    if (rollingThroughHour !== undefined) state.rollingThroughHour = rollingThroughHour;
    if (rolledThroughHour !== undefined) state.rolledThroughHour = rolledThroughHour;
    if (checkpointHour !== undefined) state.checkpointHour = checkpointHour;
    if (baselineEpoch !== undefined) state.baselineEpoch = baselineEpoch;
    return state;
  }

  async saveState(state: EvaluateState): Promise<number | undefined> {
    const version = state.version + 1;
    const item: Item = { pk: S(Keys.statePk(state.account, state.region)), sk: S(Keys.stateSk), version: N(version) };
    if (state.closedThrough !== undefined) item.closedThrough = N(state.closedThrough);
    if (state.rollingThroughHour !== undefined) item.rollingThroughHour = N(state.rollingThroughHour);
    if (state.rolledThroughHour !== undefined) item.rolledThroughHour = N(state.rolledThroughHour);
    if (state.checkpointHour !== undefined) item.checkpointHour = N(state.checkpointHour);
    if (state.baselineEpoch !== undefined) item.baselineEpoch = N(state.baselineEpoch);
    return this.putVersioned(item, state.version);
  }

  /** Puts `item` if the stored version is `expected` (0: absent); the new version, or `undefined` on conflict. */
  private async putVersioned(item: Item, expected: number): Promise<number | undefined> {
    const condition: Partial<PutItemCommandInput> =
      expected === 0
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: '#version = :expected', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': N(expected) } };
    try {
      await this.put({ Item: item, ...condition });
      return expected + 1;
    } catch (error) {
      if (isSdkError(error, 'ConditionalCheckFailedException')) return undefined;
      throw error;
    }
  }

  async markDirty(account: string, region: string, dirty: DirtyHour): Promise<void> {
    await this.put({ Item: dirtyItem(account, region, dirty) });
  }

  async listDirty(account: string, region: string): Promise<DirtyHour[]> {
    const items = await this.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': S(Keys.dirtyPk(account, region)) } });
    return items.map((item) => {
      const sk = requireS(item, 'sk');
      return { hour: unpad(sk), objectId: objectIdFromSk(sk, optionalS(item, 'o'), undefined) };
    });
  }

  async clearDirty(account: string, region: string, dirty: readonly DirtyHour[]): Promise<void> {
    // Deleting by exact key: a mark written after the listing has a key of its own and survives.
    // One batch must not name a key twice.
    const keys = new Map<string, WriteRequest>();
    for (const mark of dirty) {
      const { pk, sk } = dirtyItem(account, region, mark) as { pk: AttributeValue; sk: AttributeValue };
      keys.set(`${mark.hour}#${mark.objectId}`, { DeleteRequest: { Key: { pk, sk } } });
    }
    await this.batchWrite('clearDirty', [...keys.values()]);
  }

  // ---- baselines and rollups ----------------------------------------------------------

  async readBaselines(account: string, region: string): Promise<SeriesBaseline[]> {
    const items = await this.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': S(Keys.baselinePk(account, region)) } });
    return items.map((item) => ({ id: requireS(item, 'sk'), hours: decode<SeriesBaseline['hours']>(requireB(item, 'h')) }));
  }

  async writeBaselines(account: string, region: string, baselines: readonly SeriesBaseline[]): Promise<void> {
    const pk = S(Keys.baselinePk(account, region));
    // One batch must not name a key twice; the last baseline of a series wins, as in memory.
    const requests = new Map<SeriesId, WriteRequest>();
    for (const baseline of baselines) {
      const key = { pk, sk: S(baseline.id) };
      requests.set(
        baseline.id,
        baseline.hours.length === 0 ? { DeleteRequest: { Key: key } } : { PutRequest: { Item: { ...key, h: B(encode(baseline.hours)) } } },
      );
    }
    await this.batchWrite('writeBaselines', [...requests.values()]);
  }

  async writeRollup(account: string, region: string, rollup: HourRollup): Promise<void> {
    await this.put({
      Item: {
        pk: S(Keys.rollupPk(account, region)),
        sk: S(Keys.rollupSk(rollup.hour)),
        d: B(encode(rollup.series)),
        expiresAt: N(this.ttl((rollup.hour + 1) * 3_600, this.rollupDays)),
      },
    });
  }

  async readRollups(account: string, region: string, fromHour: Hour, toHour: Hour): Promise<HourRollup[]> {
    if (toHour < fromHour) return [];
    const items = await this.query({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': S(Keys.rollupPk(account, region)), ':from': S(pad(fromHour, 'hour')), ':to': S(pad(toHour, 'hour')) },
    });
    return items.map((item) => ({ hour: unpad(requireS(item, 'sk')), series: decode<HourRollup['series']>(requireB(item, 'd')) }));
  }

  // ---- insights -----------------------------------------------------------------------

  async openInsight(state: Omit<InsightState, 'version'>): Promise<OpenResult> {
    const created: InsightState = { ...state, version: 1 };
    const item = this.insightItem(created);
    for (let attempt = 0; attempt < OPEN_INSIGHT_ATTEMPTS; attempt++) {
      try {
        await this.put({
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk) OR #status = :ended',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':ended': S('ended') },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        });
        return { created: true, state: insightState(item) };
      } catch (error) {
        if (!isSdkError(error, 'ConditionalCheckFailedException')) throw error;
        const existing = (error as { Item?: Item }).Item ?? (await this.get(item.pk as AttributeValue, item.sk as AttributeValue));
        if (existing && requireS(existing, 'status') !== 'ended') return { created: false, existing: insightState(existing) };
        // It ended (or expired) between our write and our read: try again.
      }
    }
    throw new InsightOpenConflictError(state.account, state.region, state.seriesId, OPEN_INSIGHT_ATTEMPTS);
  }

  async updateInsight(state: InsightState): Promise<number | undefined> {
    if (state.version < 1) return undefined;
    return this.putVersioned(this.insightItem({ ...state, version: state.version + 1 }), state.version);
  }

  async readInsights(account: string, region: string): Promise<InsightState[]> {
    const items = await this.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': S(Keys.insightPk(account, region)) } });
    return items.map(insightState);
  }

  private insightItem(state: InsightState): Item {
    const { version, ...rest } = state;
    const item: Item = {
      pk: S(Keys.insightPk(state.account, state.region)),
      sk: S(state.seriesId),
      status: S(state.status),
      version: N(version),
      // The records inside repeat long strings; compressed, an insight stays one WCU.
      s: B(encode(rest)),
    };
    // Open insights never expire; ended ones linger a while so readers can still see them.
    if (state.status === 'ended') item.expiresAt = N(this.ttl((state.endMinute ?? state.startMinute) * 60, this.endedInsightDays));
    return item;
  }

  // ---- plumbing -----------------------------------------------------------------------

  /** TTL from the later of the data's own time and now (see `expiresAt`). */
  private ttl(dataEpochSeconds: number, retentionDays: number): number {
    return expiresAt(dataEpochSeconds, this.now(), retentionDays);
  }

  private async put(input: Omit<PutItemCommandInput, 'TableName'>): Promise<void> {
    await this.client.send(new PutItemCommand({ ...input, TableName: this.tableName }));
  }

  private async get(pk: AttributeValue, sk: AttributeValue): Promise<Item | undefined> {
    const out = await this.client.send(new GetItemCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }));
    return out.Item;
  }

  private async query(input: Omit<QueryCommandInput, 'TableName' | 'ConsistentRead' | 'ExclusiveStartKey'>): Promise<Item[]> {
    const items: Item[] = [];
    for await (const page of paginateQuery({ client: this.client }, { ...input, TableName: this.tableName, ConsistentRead: true })) {
      items.push(...(page.Items ?? []));
    }
    return items;
  }

  private async batchWrite(operation: string, requests: WriteRequest[]): Promise<void> {
    const batches: WriteRequest[][] = [];
    for (let i = 0; i < requests.length; i += BATCH_SIZE) batches.push(requests.slice(i, i + BATCH_SIZE));
    await forEachBounded(batches, BATCH_CONCURRENCY, async (batch) => {
      let pending = batch;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt === BATCH_ATTEMPTS) throw new UnprocessedWritesError(operation, pending.length, attempt);
        if (attempt > 0) await waitBeforeRetry(attempt, BATCH_BACKOFF, this.pacing);
        const out = await this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.tableName]: pending } }));
        pending = out.UnprocessedItems?.[this.tableName] ?? [];
      }
    });
  }
}

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number): AttributeValue => ({ N: String(value) });
const B = (value: Uint8Array): AttributeValue => ({ B: value });

/** SDK v3 errors are narrowed by `name` (the service's exception type). */
function isSdkError(error: unknown, name: string): error is Error {
  return error instanceof Error && error.name === name;
}

const keyOf = (item: Item): [string, string] => [item.pk?.S ?? '?', item.sk?.S ?? '?'];

function requireS(item: Item, name: string): string {
  const value = item[name]?.S;
  if (value === undefined) throw new MalformedItemError(...keyOf(item), name);
  return value;
}

function optionalS(item: Item, name: string): string | undefined {
  return item[name]?.S;
}

function requireN(item: Item, name: string): number {
  const value = optionalN(item, name);
  if (value === undefined) throw new MalformedItemError(...keyOf(item), name);
  return value;
}

function optionalN(item: Item, name: string): number | undefined {
  const text = item[name]?.N;
  return text === undefined ? undefined : Number(text);
}

function requireB(item: Item, name: string): Uint8Array {
  const value = item[name]?.B;
  if (value === undefined) throw new MalformedItemError(...keyOf(item), name);
  return value;
}

function locationAttributes(location: LogLocation): Item {
  return {
    bucket: S(location.bucket),
    prefix: S(location.prefix),
    ...(location.orgId === undefined ? {} : { orgId: S(location.orgId) }),
  };
}

function registryEntry(regionItem: Item, accountItem: Item | undefined): AccountRegion {
  const firstMinute = requireN(regionItem, 'firstMinute');
  const orgId = optionalS(regionItem, 'orgId');
  const location: LogLocation = { bucket: requireS(regionItem, 'bucket'), prefix: requireS(regionItem, 'prefix') };
  if (orgId !== undefined) location.orgId = orgId;
  return {
    account: requireS(regionItem, 'account'),
    region: requireS(regionItem, 'region'),
    firstMinute,
    // Absent only if the account entry was deleted by hand; the region's minute is the best bound left.
    accountFirstMinute: accountItem ? requireN(accountItem, 'firstMinute') : firstMinute,
    location,
  };
}

function dirtyItem(account: string, region: string, mark: DirtyHour): Item {
  const { part, hashed } = objectKeyPart(mark.objectId);
  return {
    pk: S(Keys.dirtyPk(account, region)),
    sk: S(Keys.dirtySk(mark.hour, part)),
    ...(hashed ? { o: S(mark.objectId) } : {}),
  };
}

function insightState(item: Item): InsightState {
  return { ...decode<Omit<InsightState, 'version'>>(requireB(item, 's')), version: requireN(item, 'version') };
}
