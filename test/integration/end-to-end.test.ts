/**
 * Issue "Deliver" acceptance: the sample trail through the Lambda handlers on the local
 * stack — files uploaded to s3rver, each real S3 notification (wrapped in SQS) through the
 * ingest handler, the schedule's events through the evaluate handler, in exactly the
 * order `trail-insights replay` uses — must put on EventBridge and in the bucket's
 * `CloudTrail-Insight/` exactly the records `trail-insights replay --format jsonl` prints:
 * one engine, two paths. EventBridge failures are injected at the endpoint meanwhile, and
 * every record must still arrive exactly once by eventID.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main.js';
import { replayPlan } from '../../lib/cli/replay-plan.js';
import { dateUnnamedFiles, findLocalFiles, type TrailFile } from '../../lib/cli/trail-files.js';
import type { InsightRecord } from '../../lib/insights/record.js';
import { minuteToIso } from '../../lib/time/minute.js';
import { useLocalAws, type TestBucket, type TestEventBus } from '../support/aws-env.js';
import { keyOrderViolations } from '../support/aws-key-order.js';

const aws = useLocalAws();
const SAMPLE = fileURLToPath(new URL('../../events/sample-trail', import.meta.url));
const lambdaContext = { getRemainingTimeInMillis: () => 120_000 };

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

let bucket: TestBucket;
let bus: TestEventBus;
let expected: InsightRecord[];
let files: TrailFile[];
let ingest: Handler;
let evaluate: Handler;

beforeAll(async () => {
  // What the CLI prints for the trail, from the same files.
  let stdout = '';
  const code = await main(['replay', SAMPLE, '--format', 'jsonl'], { stdout: (t) => (stdout += t), stderr: () => {}, interactive: false, env: {} });
  expect(code).toBe(0);
  expected = stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as InsightRecord);

  // The deployed functions' environment, then the handler modules themselves.
  bucket = await aws.createTestBucket({ label: 'trail' });
  bus = aws.createTestEventBus({ label: 'insights' });
  const table = await aws.createTestTable({ label: 'e2e' });
  Object.assign(process.env, { TABLE_NAME: table.name, EVENT_BUS_NAME: bus.name, EVENT_SOURCE: 'acme.trail-insights', LOG_LEVEL: 'error' });
  ingest = (await import('../../functions/ingest/handler.js')).handler as Handler;
  evaluate = (await import('../../functions/evaluate/handler.js')).handler as Handler;

  files = (await dateUnnamedFiles((await findLocalFiles([SAMPLE])).files, 1 << 30)).dated;
  for (const file of files) {
    await aws.clients.s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: file.file.key, Body: readFileSync(join(SAMPLE, file.file.key)) }));
  }
}, 600_000);

/** Runs a handler as its trigger would: SQS redelivers reported failures, the schedule retries a failed run. */
async function untilDone(run: () => Promise<unknown>): Promise<number> {
  for (let attempt = 1; attempt <= 20; attempt++) {
    try {
      const response = (await run()) as { batchItemFailures?: unknown[] } | undefined;
      if (!response?.batchItemFailures?.length) return attempt;
    } catch {
      // The evaluate run failed (its publish did): the retry republishes what it owes.
    }
  }
  throw new Error('a handler never succeeded');
}

/**
 * The Insights objects in the bucket, listed per account under `CloudTrail-Insight/` as
 * a SIEM reads them. (s3rver's unprefixed listing pages in directory-walk order and
 * resumes lexicographically, so it skips keys that sort between the two: an emulator
 * quirk real S3 does not have.)
 */
async function insightKeys(): Promise<string[]> {
  const keys: string[] = [];
  for (const account of new Set(expected.map((record) => record.recipientAccountId))) {
    let token: string | undefined;
    do {
      const page = await aws.clients.s3.send(
        new ListObjectsV2Command({ Bucket: bucket.name, Prefix: `AWSLogs/${account}/CloudTrail-Insight/`, ContinuationToken: token }),
      );
      keys.push(...(page.Contents ?? []).map((object) => object.Key!));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  return keys;
}

async function insightObjects(): Promise<InsightRecord[]> {
  const records: InsightRecord[] = [];
  for (const key of await insightKeys()) {
    const body = await aws.clients.s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }));
    const bytes = Buffer.from(await body.Body!.transformToByteArray());
    const file = JSON.parse(gunzipSync(bytes).toString('utf8')) as { Records: InsightRecord[] };
    for (const record of file.Records) expect(keyOrderViolations(record as unknown as Record<string, unknown>)).toEqual([]);
    records.push(...file.Records);
  }
  return records;
}

const byId = (records: readonly InsightRecord[]) => new Map(records.map((record) => [record.eventID, record]));

describe('Deliver: the Lambda path and the CLI are one engine', { timeout: 900_000 }, () => {
  it("publishes exactly the replay's records to EventBridge and the trail bucket, each once, despite injected failures", async () => {
    // Prepare: throttled calls, failed entries, and one Start whose entry fails more often
    // than the publisher retries (so its message is retried and it is published again).
    expect(expected.length).toBeGreaterThan(5);
    const stubborn = expected.find((record) => record.insightDetails.state === 'Start')!;
    await bus.events.throttle({ calls: 2 });
    await bus.events.fail({ errorCode: 'InternalFailure', count: 3 });
    await bus.events.fail({ errorCode: 'ThrottlingException', count: 7, detailContains: stubborn.eventID });
    let retries = 0;

    // Act: the replay's steps, through the handlers.
    for (const step of replayPlan(files)) {
      if (step.kind === 'evaluate') {
        const event = { source: 'aws.events', 'detail-type': 'Scheduled Event', time: minuteToIso(step.now), detail: {} };
        retries += (await untilDone(() => evaluate(event, lambdaContext))) - 1;
        continue;
      }
      const [notification] = await bucket.waitForNotifications(step.file.file.key);
      const message = { messageId: step.file.file.key, eventSource: 'aws:sqs', body: JSON.stringify(notification) };
      retries += (await untilDone(() => ingest({ Records: [message] }, lambdaContext))) - 1;
    }

    // Assess: EventBridge carries each record once, as AWS's detail-type and our source.
    const entries = await bus.events.entries();
    const delivered = entries.map((entry) => entry.detail as unknown as InsightRecord);
    expect(retries).toBeGreaterThan(0);
    expect(delivered.map((r) => r.eventID).sort()).toEqual(expected.map((r) => r.eventID).sort());
    expect(new Set(delivered.map((r) => r.eventID)).size).toBe(delivered.length);
    for (const entry of entries) {
      expect(entry).toMatchObject({ source: 'acme.trail-insights', detailType: 'AWS Insight via CloudTrail' });
      // The detail exactly as sent: AWS's key order, not a store's.
      expect(keyOrderViolations(JSON.parse(entry.detailJson) as Record<string, unknown>)).toEqual([]);
    }
    const expectedById = byId(expected);
    for (const record of delivered) expect(JSON.stringify(record)).toBe(JSON.stringify(expectedById.get(record.eventID)));

    // … and the trail bucket holds the same records under CloudTrail-Insight/.
    const written = await insightObjects();
    expect(written.map((r) => r.eventID).sort()).toEqual(expected.map((r) => r.eventID).sort());
    for (const record of written) expect(JSON.stringify(record)).toBe(JSON.stringify(expectedById.get(record.eventID)));
  });

  it('never ingests its own output: the Insights files it wrote are skipped', async () => {
    const keys = await insightKeys();
    expect(keys.length).toBe(expected.length);
    const before = (await bus.events.entries()).length;
    for (const key of keys) {
      const [notification] = await bucket.waitForNotifications(key);
      const response = await ingest({ Records: [{ messageId: key, eventSource: 'aws:sqs', body: JSON.stringify(notification) }] }, lambdaContext);
      expect(response).toEqual({ batchItemFailures: [] });
    }
    expect((await bus.events.entries()).length).toBe(before);
  });
});
