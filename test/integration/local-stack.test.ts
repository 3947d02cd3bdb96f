/**
 * Proves the local AWS stack with the real SDK clients, configured only from the
 * environment aws-env.ts sets: what the engine relies on (transactions, TTL, byte-exact
 * gzip objects, pagination, S3 notification payloads, PutEvents limits and failures)
 * behaves here as it does on AWS.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  DescribeTimeToLiveCommand,
  GetItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, paginateListObjectsV2, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { TABLE_KEYS } from '../../lib/store/table.js';
import { useLocalAws } from '../support/aws-env.js';
import { DEFAULT_MAX_CALL_ENTRY_BYTES, entrySize } from '../support/put-events-server.js';

const aws = useLocalAws();
const { dynamodb, s3, eventbridge } = aws.clients;

/** Runs `task` over `items` with at most `limit` in flight. */
const inParallel = async <T>(items: readonly T[], limit: number, task: (item: T) => Promise<unknown>) => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
};

const putItem = (table: string, pk: string, sk: string, extra: Record<string, { S: string } | { N: string }> = {}) =>
  ({
    Put: {
      TableName: table,
      Item: { [TABLE_KEYS.partitionKey]: { S: pk }, [TABLE_KEYS.sortKey]: { S: sk }, ...extra },
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey },
    },
  }) satisfies TransactWriteItem;

describe('Local stack: DynamoDB Local', () => {
  it('applies TransactWriteItems atomically and names the failed condition', async () => {
    // Prepare
    const table = await aws.createTestTable();
    await dynamodb.send(
      new TransactWriteItemsCommand({ TransactItems: [putItem(table.name, 'ledger', 'file-1'), putItem(table.name, 'count', 'a')] }),
    );

    // Act: a new item plus a ledger entry that already exists
    const replay = dynamodb.send(
      new TransactWriteItemsCommand({
        TransactItems: [putItem(table.name, 'count', 'b'), putItem(table.name, 'ledger', 'file-1')],
      }),
    );

    // Assess
    const error = await replay.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons?.map((reason) => reason.Code)).toEqual([
      'None',
      'ConditionalCheckFailed',
    ]);
    const untouched = await dynamodb.send(
      new GetItemCommand({
        TableName: table.name,
        Key: { [TABLE_KEYS.partitionKey]: { S: 'count' }, [TABLE_KEYS.sortKey]: { S: 'b' } },
        ConsistentRead: true,
      }),
    );
    expect(untouched.Item).toBeUndefined();
  });

  it('enforces the 100-action transaction limit the store batches by', async () => {
    // Prepare
    const table = await aws.createTestTable();
    const actions = (count: number, prefix: string) =>
      Array.from({ length: count }, (_, i) => putItem(table.name, prefix, String(i).padStart(3, '0')));

    // Act
    await dynamodb.send(new TransactWriteItemsCommand({ TransactItems: actions(100, 'full') }));
    const tooMany = dynamodb.send(new TransactWriteItemsCommand({ TransactItems: actions(101, 'over') }));

    // Assess
    await expect(tooMany).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('creates test tables with TTL enabled on the engine attribute', async () => {
    // Prepare
    const table = await aws.createTestTable();

    // Act
    const described = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: table.name }));
    const again = dynamodb.send(
      new UpdateTimeToLiveCommand({
        TableName: table.name,
        TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttlAttribute, Enabled: true },
      }),
    );

    // Assess
    expect(described.TimeToLiveDescription).toEqual({
      TimeToLiveStatus: 'ENABLED',
      AttributeName: TABLE_KEYS.ttlAttribute,
    });
    // As on AWS: enabling twice is an error, so the engine's deploy must not do it blindly.
    await expect(again).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('Local stack: s3rver', () => {
  const logFile = (records: number) =>
    gzipSync(
      JSON.stringify({
        Records: Array.from({ length: records }, (_, i) => ({
          eventVersion: '1.08',
          eventTime: '2024-01-02T03:04:05Z',
          eventSource: 'ec2.amazonaws.com',
          eventName: 'RunInstances',
          requestID: `req-${i}`,
        })),
      }),
    );

  it('stores gzip objects byte-exact, from a buffer or a stream', async () => {
    // Prepare
    const bucket = await aws.createTestBucket();
    const body = logFile(500);

    // Act: a stream body is what made the SDK send aws-chunked framing by default
    await s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: 'buffer.json.gz', Body: body }));
    await s3.send(
      new PutObjectCommand({ Bucket: bucket.name, Key: 'stream.json.gz', Body: Readable.from([body]), ContentLength: body.length }),
    );

    // Assess
    for (const key of ['buffer.json.gz', 'stream.json.gz']) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }));
      const stored = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
      expect(object.ContentLength).toBe(body.length);
      expect(stored.equals(body)).toBe(true);
      expect(JSON.parse(gunzipSync(stored).toString('utf8')).Records).toHaveLength(500);
    }
  });

  it('frames streamed bodies with aws-chunked when checksums are left at the SDK default', async () => {
    // Prepare: why AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED is part of the stack's env
    const bucket = await aws.createTestBucket();
    const body = logFile(10);
    const defaultChecksums = new S3Client({ forcePathStyle: true, requestChecksumCalculation: 'WHEN_SUPPORTED' });

    // Act
    await defaultChecksums.send(
      new PutObjectCommand({ Bucket: bucket.name, Key: 'framed.json.gz', Body: Readable.from([body]), ContentLength: body.length }),
    );
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: 'framed.json.gz' }));
    const stored = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
    defaultChecksums.destroy();

    // Assess
    expect(stored.equals(body)).toBe(false);
    expect(stored.toString('latin1')).toMatch(/x-amz-checksum-crc32:/);
  });

  it('paginates ListObjectsV2 over more than 1000 keys', async () => {
    // Prepare
    const bucket = await aws.createTestBucket();
    const keys = Array.from(
      { length: 1010 },
      (_, i) => `AWSLogs/123456789012/CloudTrail/us-east-1/2024/01/02/file-${String(i).padStart(5, '0')}.json.gz`,
    );
    await inParallel(keys, 16, (key) => s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: 'x' })));

    // Act
    const pages: string[][] = [];
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket.name, Prefix: 'AWSLogs/' })) {
      pages.push((page.Contents ?? []).map((object) => object.Key ?? ''));
    }

    // Assess
    expect(pages.map((page) => page.length)).toEqual([1000, 10]);
    expect(pages.flat()).toEqual([...keys].sort());
  });

  it('captures the real S3 notification payload of an upload', async () => {
    // Prepare
    const bucket = await aws.createTestBucket();
    const key = 'AWSLogs/123456789012/CloudTrail/us-east-1/2024/01/02/trail log=1.json.gz';
    const body = logFile(3);

    // Act
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: body }));
    const [notification] = await bucket.waitForNotifications(key);

    // Assess
    expect(notification?.Records).toHaveLength(1);
    const record = notification?.Records[0];
    expect(record).toMatchObject({
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      awsRegion: 'us-east-1',
      s3: {
        bucket: { name: bucket.name, arn: `arn:aws:s3:::${bucket.name}` },
        object: {
          key: 'AWSLogs/123456789012/CloudTrail/us-east-1/2024/01/02/trail+log%3D1.json.gz',
          size: body.length,
          eTag: createHash('md5').update(body).digest('hex'),
        },
      },
    });
    expect(`"${record?.s3.object.eTag ?? ''}"`).toBe(put.ETag);
    expect(decodeURIComponent((record?.s3.object.key ?? '').replace(/\+/g, ' '))).toBe(key);
    expect(record?.s3.object.sequencer).toMatch(/^[0-9A-F]{16,}$/);
  });
});

describe('Local stack: PutEvents endpoint', () => {
  const entry = (bus: string, detail: Record<string, unknown>, extra: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
    EventBusName: bus,
    Source: 'trail-insights',
    DetailType: 'AWS Insight via CloudTrail',
    Detail: JSON.stringify(detail),
    ...extra,
  });

  it('accepts entries and records them with the EventIds it answered', async () => {
    // Prepare
    const bus = aws.createTestEventBus();
    const time = new Date('2024-01-02T03:04:00Z');

    // Act
    const result = await eventbridge.send(
      new PutEventsCommand({
        Entries: [
          entry(bus.name, { n: 1 }, { Time: time, Resources: ['arn:aws:cloudtrail:us-east-1:123456789012:trail/t'] }),
          entry(bus.name, { n: 2 }),
        ],
      }),
    );

    // Assess
    expect(result.FailedEntryCount).toBe(0);
    const ids = (result.Entries ?? []).map((answered) => answered.EventId);
    expect(ids).toHaveLength(2);
    const recorded = await bus.events.entries();
    expect(recorded.map((accepted) => accepted.eventId)).toEqual(ids);
    expect(recorded[0]).toMatchObject({
      eventBusName: bus.name,
      source: 'trail-insights',
      detail: { n: 1 },
      time: time.toISOString(),
      resources: ['arn:aws:cloudtrail:us-east-1:123456789012:trail/t'],
    });
  });

  it('fails the next entries on demand, as partial failures the SDK returns', async () => {
    // Prepare
    const bus = aws.createTestEventBus();
    await bus.events.fail({ errorCode: 'InternalFailure', count: 2 });
    await bus.events.fail({ errorCode: 'ThrottlingException', detailContains: '"poison"' });

    // Act
    const result = await eventbridge.send(
      new PutEventsCommand({
        Entries: [entry(bus.name, { n: 1 }), entry(bus.name, { n: 2 }), entry(bus.name, { n: 3 }), entry(bus.name, { poison: true })],
      }),
    );
    const retry = await eventbridge.send(new PutEventsCommand({ Entries: [entry(bus.name, { n: 1 }), entry(bus.name, { poison: 1 })] }));

    // Assess
    expect(result.FailedEntryCount).toBe(3);
    expect(result.Entries?.map((answered) => answered.ErrorCode ?? 'ok')).toEqual([
      'InternalFailure',
      'InternalFailure',
      'ok',
      'ThrottlingException',
    ]);
    expect(retry.Entries?.map((answered) => answered.ErrorCode ?? 'ok')).toEqual(['ok', 'ThrottlingException']);
    expect((await bus.events.entries()).map((accepted) => accepted.detail)).toEqual([{ n: 3 }, { n: 1 }]);
  });

  it('throttles whole calls: the SDK retries, then gives up with ThrottlingException', async () => {
    // Prepare
    const bus = aws.createTestEventBus();
    const oneAttempt = new EventBridgeClient({ maxAttempts: 1 });
    await bus.events.throttle({ calls: 1 });

    // Act: the default client retries a throttled call; a one-attempt client cannot
    const retried = await eventbridge.send(new PutEventsCommand({ Entries: [entry(bus.name, { n: 1 })] }));
    await bus.events.throttle({ calls: 1 });
    const refused = await oneAttempt.send(new PutEventsCommand({ Entries: [entry(bus.name, { n: 2 })] })).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    oneAttempt.destroy();

    // Assess
    expect(retried.FailedEntryCount).toBe(0);
    expect(retried.$metadata.attempts).toBe(2);
    expect(refused).toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    expect((await bus.events.calls()).map((call) => call.outcome)).toEqual(['throttled', 'ok', 'throttled']);
    expect((await bus.events.entries()).map((accepted) => accepted.detail)).toEqual([{ n: 1 }]);
  });

  it('rejects a call of more than 10 entries', async () => {
    // Prepare
    const bus = aws.createTestEventBus();
    const entries = Array.from({ length: 11 }, (_, n) => entry(bus.name, { n }));

    // Act
    const call = eventbridge.send(new PutEventsCommand({ Entries: entries }));

    // Assess
    await expect(call).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    expect(await bus.events.entries()).toEqual([]);
  });

  it('limits a call to 256 KB of entries, counted as AWS documents', async () => {
    // Prepare: with Time (14 bytes) the first call lands exactly on the limit, one byte under
    const bus = aws.createTestEventBus();
    const base = entry(bus.name, { pad: '' }, { Time: new Date() });
    const padding = DEFAULT_MAX_CALL_ENTRY_BYTES - 1 - entrySize(base);
    const fits = entry(bus.name, { pad: 'x'.repeat(padding) }, { Time: new Date() });
    const over = entry(bus.name, { pad: 'x'.repeat(padding + 1) }, { Time: new Date() });

    // Act
    const accepted = await eventbridge.send(new PutEventsCommand({ Entries: [fits] }));
    const rejected = eventbridge.send(new PutEventsCommand({ Entries: [over] }));

    // Assess
    expect(entrySize(fits)).toBe(DEFAULT_MAX_CALL_ENTRY_BYTES - 1);
    expect(accepted.FailedEntryCount).toBe(0);
    await expect(rejected).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
    });
  });

  it('answers per-entry errors for aws. sources, missing fields and non-object Detail', async () => {
    // Prepare
    const bus = aws.createTestEventBus();

    // Act
    const result = await eventbridge.send(
      new PutEventsCommand({
        Entries: [
          entry(bus.name, { n: 1 }, { Source: 'aws.cloudtrail' }),
          entry(bus.name, { n: 2 }, { DetailType: undefined }),
          entry(bus.name, { n: 3 }, { Detail: '[1, 2]' }),
          entry(bus.name, { n: 4 }),
        ],
      }),
    );

    // Assess
    expect(result.FailedEntryCount).toBe(3);
    expect(result.Entries?.slice(0, 3)).toEqual([
      { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' },
      { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
    ]);
    expect((await bus.events.entries()).map((accepted) => accepted.detail)).toEqual([{ n: 4 }]);
  });
});
