/**
 * Issue "Ingest" acceptance: real CloudTrail files uploaded to s3rver, each object's real
 * S3 notification delivered (wrapped in SQS) to the ingest handler's code path, counts
 * read back from DynamoDB Local and compared with counts computed independently from
 * the raw records — cleanly, with duplicate deliveries, with crashes injected at random
 * store calls, and with 50 files at once.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseLogFileName } from '../../lib/cloudtrail/log-key.js';
import type { EngineDeps } from '../../lib/engine/deps.js';
import { awsRuntime, s3Objects } from '../../lib/runtime/aws.js';
import type { ObjectSource } from '../../lib/runtime/object-source.js';
import { runtimeConfigFrom } from '../../lib/runtime/environment.js';
import { handleIngestEvent, type SqsBatchResponse } from '../../lib/runtime/ingest-event.js';
import { DynamoDbStore } from '../../lib/store/dynamodb-store.js';
import type { Store } from '../../lib/store/store.js';
import { minuteToDatePath } from '../../lib/time/minute.js';
import { useLocalAws, type TestBucket } from '../support/aws-env.js';
import { crashingStore, randomCrashes } from '../support/crash-injection.js';
import { invictusFiles } from '../support/datasets.js';
import { countsOfContributions, independentCounts, type IndependentCounts } from '../support/independent-counts.js';

const aws = useLocalAws();

interface Uploaded {
  key: string;
  records: Array<Record<string, unknown>>;
  notification: unknown;
}

let bucket: TestBucket;
let files: Uploaded[];
let expected: IndependentCounts;

/** The invictus files under the AWS key layout, gzipped as CloudTrail writes them. */
beforeAll(async () => {
  bucket = await aws.createTestBucket({ label: 'trail' });
  files = [];
  for (const { name, path } of invictusFiles()) {
    const text = readFileSync(path, 'utf8');
    const named = parseLogFileName(name)!;
    const key = `AWSLogs/${named.account}/CloudTrail/${named.region}/${minuteToDatePath(named.deliveryMinute)}/${name}.gz`;
    await aws.clients.s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: gzipSync(text) }));
    const [notification] = await bucket.waitForNotifications(key);
    files.push({ key, records: (JSON.parse(text) as { Records: Array<Record<string, unknown>> }).Records, notification });
  }
  expected = independentCounts(files.map((file) => file.records));
});

interface IngestRuntime {
  deps: EngineDeps;
  objects: ObjectSource;
}

/** The ingest function's wiring (lib/runtime), pointed at a test table and bus. */
function runtime(tableName: string, extra: Record<string, string> = {}): IngestRuntime {
  const bus = aws.createTestEventBus();
  const config = runtimeConfigFrom({
    TABLE_NAME: tableName, EVENT_BUS_NAME: bus.name, EVENT_SOURCE: 'trail-insights.test', S3_FORCE_PATH_STYLE: 'true', LOG_LEVEL: 'silent', ...extra,
  });
  const rt = awsRuntime(config);
  return { deps: rt.deps, objects: s3Objects(rt, config) };
}

let messageSequence = 0;
const sqsMessage = (payload: unknown, id = `m-${messageSequence++}`) => ({ messageId: id, eventSource: 'aws:sqs', body: JSON.stringify(payload) });
const sqsEvent = (...messages: Array<{ messageId: string; body: string }>) => ({ Records: messages });

/** Everything the store holds for the run's account-regions, as `account|region|series|minute` counts. */
async function storedCounts(store: Store): Promise<IndependentCounts> {
  const minutes = [...expected.keys()].map((key) => Number(key.split('|').at(-1)));
  const from = Math.min(...minutes) - 1;
  const to = Math.max(...minutes) + 1;
  const accountRegions = new Set([...expected.keys()].map((key) => key.split('|').slice(0, 2).join('|')));
  const contributions = [];
  for (const accountRegion of accountRegions) {
    const [account, region] = accountRegion.split('|') as [string, string];
    contributions.push(...(await store.readContributions(account, region, from, to)));
  }
  return countsOfContributions(contributions);
}

/** Delivers one message until the handler stops reporting it failed, as SQS redelivery would. */
async function deliverUntilDone(deps: EngineDeps, rt: IngestRuntime, message: { messageId: string; body: string }): Promise<number> {
  for (let attempt = 1; attempt <= 200; attempt++) {
    const response = (await handleIngestEvent(deps, rt.objects, sqsEvent(message))) as SqsBatchResponse;
    if (response.batchItemFailures.length === 0) return attempt;
  }
  throw new Error(`message ${message.messageId} never succeeded`);
}

describe('Ingest: exactly-once counts in DynamoDB Local', { timeout: 300_000 }, () => {
  it('counts the invictus trail exactly as an independent recount does', async () => {
    // Prepare
    const table = await aws.createTestTable();
    const rt = runtime(table.name);
    // Act: batches of 10 messages, as the SQS event source delivers them.
    for (let i = 0; i < files.length; i += 10) {
      const batch = files.slice(i, i + 10).map((file) => sqsMessage(file.notification));
      expect(await handleIngestEvent(rt.deps, rt.objects, sqsEvent(...batch))).toEqual({ batchItemFailures: [] });
    }
    // Assess
    expect(expected.size).toBeGreaterThan(100);
    expect(await storedCounts(rt.deps.store)).toEqual(expected);
  });

  it('counts each file once when every notification is delivered twice', async () => {
    const table = await aws.createTestTable();
    const rt = runtime(table.name);
    const messages = files.map((file) => sqsMessage(file.notification));
    // Duplicates in the same batch and again in a later batch.
    for (let i = 0; i < messages.length; i += 5) {
      const batch = messages.slice(i, i + 5);
      await handleIngestEvent(rt.deps, rt.objects, sqsEvent(...batch, ...batch.map((m) => ({ ...m, messageId: `${m.messageId}-dup` }))));
    }
    for (const message of messages) await handleIngestEvent(rt.deps, rt.objects, sqsEvent({ ...message, messageId: `${message.messageId}-late` }));
    expect(await storedCounts(rt.deps.store)).toEqual(expected);
  });

  it.each([
    { seed: 1, maxItemBytes: undefined },
    { seed: 2, maxItemBytes: undefined },
    { seed: 3, maxItemBytes: undefined },
    { seed: 4, maxItemBytes: undefined },
    { seed: 5, maxItemBytes: 1200 },
    { seed: 6, maxItemBytes: 1200 },
    { seed: 7, maxItemBytes: 1200 },
    { seed: 8, maxItemBytes: 1200 },
  ])('counts exactly once under crashes at random store calls (seed $seed, item limit $maxItemBytes)', async ({ seed, maxItemBytes }) => {
    // Prepare: 8 % of store calls crash, half before the call, half after it completed.
    // A small item limit splits contributions into several items, written by transaction.
    const table = await aws.createTestTable({ label: `crash-${seed}` });
    const rt = runtime(table.name);
    const store = crashingStore(
      new DynamoDbStore({ client: new DynamoDBClient({}), tableName: table.name, ...(maxItemBytes && { maxItemBytes }) }),
      randomCrashes(seed, 0.08),
    );
    const deps: EngineDeps = { ...rt.deps, store };
    // Act: each message redelivered until it goes through.
    let attempts = 0;
    for (const file of files) attempts += await deliverUntilDone(deps, rt, sqsMessage(file.notification));
    // Assess
    expect(store.crashes).toBeGreaterThan(10);
    expect(attempts).toBeGreaterThan(files.length);
    expect(await storedCounts(rt.deps.store)).toEqual(expected);
  });

  it('counts exactly with 50 files ingested at once, twice over', async () => {
    const table = await aws.createTestTable();
    const rt = runtime(table.name);
    const fifty = files.slice(0, 50);
    const responses = await Promise.all(
      [...fifty, ...fifty].map((file) => handleIngestEvent(rt.deps, rt.objects, sqsEvent(sqsMessage(file.notification)))),
    );
    for (const response of responses) expect(response).toEqual({ batchItemFailures: [] });
    expect(await storedCounts(rt.deps.store)).toEqual(independentCounts(fifty.map((file) => file.records)));
  });
});

describe('Ingest: bad input is quarantined, never retried forever, never fatal to its batch', { timeout: 120_000 }, () => {
  const account = '123456789012';
  const keyFor = (name: string) => `AWSLogs/${account}/CloudTrail/eu-west-1/2024/05/06/${account}_CloudTrail_eu-west-1_20240506T1200Z_${name}.json.gz`;
  const good = () => files[0]!;

  it('quarantines each malformed file with its reason while the good file in the batch is counted', async () => {
    // Prepare: one object per kind of bad input, plus a good file, in one batch.
    const table = await aws.createTestTable();
    const rt = runtime(table.name);
    const goodText = JSON.stringify({ Records: good().records });
    const bad: Array<[name: string, body: Buffer, code: string]> = [
      ['TruncatedGzip000', gzipSync(goodText).subarray(0, 300), 'truncated-gzip'],
      ['NotGzipNotJson00', Buffer.from('PK\x03\x04 this is a zip file, not a log'), 'invalid-json'],
      ['InvalidJson00000', gzipSync('{"Records": [{"eventTime": "2024-05-06T12:00:00Z",]}'), 'invalid-json'],
      ['NoRecords0000000', gzipSync(JSON.stringify({ awsAccountId: account, digestStartTime: '2024-05-06T11:00:00Z' })), 'no-records'],
      ['RecordsNotArray0', gzipSync(JSON.stringify({ Records: { eventTime: 'x' } })), 'records-not-array'],
      ['RecordNotObject0', gzipSync(JSON.stringify({ Records: [good().records[0], 42] })), 'record-not-object'],
    ];
    const messages = [];
    for (const [name, body] of bad) {
      await aws.clients.s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: keyFor(name), Body: body }));
      messages.push(sqsMessage((await bucket.waitForNotifications(keyFor(name)))[0]));
    }
    const goodMessage = sqsMessage(good().notification);
    // Act
    const response = await handleIngestEvent(rt.deps, rt.objects, sqsEvent(...messages, goodMessage));
    // Assess: nothing to retry; every bad file quarantined with its code; the good one counted.
    expect(response).toEqual({ batchItemFailures: [] });
    const { objectIdOf } = await import('../../lib/cloudtrail/log-key.js');
    for (const [name, , code] of bad) {
      const quarantined = await rt.deps.store.readQuarantine(objectIdOf(bucket.name, keyFor(name)));
      expect(quarantined, name).toMatchObject({ code, key: keyFor(name), bucket: bucket.name });
      expect(quarantined!.reason.length).toBeGreaterThan(10);
    }
    const stored = await storedCounts(rt.deps.store);
    expect(stored).toEqual(independentCounts([good().records]));
  });

  it('quarantines a file over the decompressed-size cap as too-large', async () => {
    const table = await aws.createTestTable();
    const rt = runtime(table.name, { MAX_DECOMPRESSED_BYTES: '20000' });
    const response = await handleIngestEvent(rt.deps, rt.objects, sqsEvent(sqsMessage(files.find((f) => f.records.length > 100)!.notification)));
    expect(response).toEqual({ batchItemFailures: [] });
    const { objectIdOf } = await import('../../lib/cloudtrail/log-key.js');
    const big = files.find((f) => f.records.length > 100)!;
    expect(await rt.deps.store.readQuarantine(objectIdOf(bucket.name, big.key))).toMatchObject({ code: 'too-large' });
  });

  it('skips digests, Insights files (our own output included), folder markers, empty objects, foreign keys and test events without error', async () => {
    const table = await aws.createTestTable();
    const rt = runtime(table.name);
    const keys = [
      `AWSLogs/${account}/CloudTrail-Digest/eu-west-1/2024/05/06/${account}_CloudTrail-Digest_eu-west-1_trail_eu-west-1_20240506T1200Z.json.gz`,
      `AWSLogs/${account}/CloudTrail-Insight/eu-west-1/2024/05/06/${account}_CloudTrail-Insight_eu-west-1_20240506T1200Z_AbCdEfGhIjKlMnOp.json.gz`,
      `AWSLogs/${account}/CloudTrail/eu-west-1/2024/05/06/`,
      'other-app/exports/report.json.gz',
    ];
    const messages = [];
    for (const key of keys) {
      await aws.clients.s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: gzipSync(JSON.stringify({ Records: good().records })) }));
      messages.push(sqsMessage((await bucket.waitForNotifications(key))[0]));
    }
    const emptyKey = keyFor('EmptyObject00000');
    await aws.clients.s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: emptyKey, Body: '' }));
    messages.push(sqsMessage((await bucket.waitForNotifications(emptyKey))[0]));
    messages.push(sqsMessage({ Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2024-05-06T12:00:00Z', Bucket: bucket.name }));
    const response = await handleIngestEvent(rt.deps, rt.objects, sqsEvent(...messages));
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await storedCounts(rt.deps.store)).toEqual(new Map());
  });

  it('reports only the unreadable message of a batch for retry (and dead-lettering)', async () => {
    const table = await aws.createTestTable();
    const rt = runtime(table.name);
    const poison = { messageId: 'poison', eventSource: 'aws:sqs', body: 'not json at all' };
    const response = await handleIngestEvent(rt.deps, rt.objects, sqsEvent(poison, sqsMessage(good().notification)));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'poison' }] });
    expect(await storedCounts(rt.deps.store)).toEqual(independentCounts([good().records]));
  });
});
