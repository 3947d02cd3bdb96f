/**
 * Issue 14 part 1: the deployed handlers' telemetry, asserted on what they write to
 * stdout (what CloudWatch Logs receives): Powertools JSON log lines with the request id,
 * cold start, S3 key and account-region, and one EMF document of metrics per invocation
 * with the figures lib/metrics/metrics.ts names, computed from real files on the local stack.
 */
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { METRICS, METRICS_NAMESPACE } from '../../lib/metrics/metrics.js';
import { minuteFromDate, minuteToIso } from '../../lib/time/minute.js';
import { useLocalAws, type TestBucket, type TestEventBus } from '../support/aws-env.js';
import { cloudTrailRecord, logFile } from '../support/trail-builder.js';

const aws = useLocalAws();
const SERVICE = 'trail-insights-telemetry-test';
const ACCOUNT = '222233334444';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;
type Json = Record<string, any>;

let bucket: TestBucket;
let bus: TestEventBus;
let ingest: Handler;
let evaluate: Handler;
let requests = 0;

const context = (fn: string) => ({
  functionName: `${SERVICE}-${fn}`,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${SERVICE}-${fn}`,
  memoryLimitInMB: '512',
  awsRequestId: `request-${++requests}`,
  getRemainingTimeInMillis: () => 120_000,
});

/**
 * Runs `work`, returning every JSON line it wrote to stdout and stderr (Powertools writes
 * warnings and errors to stderr; Lambda sends both streams to CloudWatch Logs).
 */
async function outputOf(work: () => Promise<unknown>): Promise<Json[]> {
  let text = '';
  const capture = (chunk: string | Uint8Array) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
  const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(capture), vi.spyOn(process.stderr, 'write').mockImplementation(capture)];
  try {
    await work();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Json);
}

const emfDocuments = (lines: Json[]) => lines.filter((line) => line._aws !== undefined);
const logLines = (lines: Json[]) => lines.filter((line) => line._aws === undefined);

/** The application metrics of one invocation (the document without Powertools' ColdStart). */
function applicationMetrics(lines: Json[]): Json {
  const documents = emfDocuments(lines).filter((doc) => doc.ColdStart === undefined);
  expect(documents).toHaveLength(1);
  return documents[0]!;
}

async function upload(key: string, body: Buffer | string): Promise<unknown> {
  await aws.clients.s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: body }));
  const [notification] = await bucket.waitForNotifications(key);
  return notification;
}

const sqsEvent = (...notifications: unknown[]) => ({
  Records: notifications.map((n, i) => ({ messageId: `m-${requests}-${i}`, eventSource: 'aws:sqs', body: JSON.stringify(n) })),
});

beforeAll(async () => {
  bucket = await aws.createTestBucket({ label: 'telemetry' });
  bus = aws.createTestEventBus({ label: 'telemetry' });
  const table = await aws.createTestTable({ label: 'telemetry' });
  Object.assign(process.env, {
    TABLE_NAME: table.name,
    EVENT_BUS_NAME: bus.name,
    EVENT_SOURCE: 'acme.trail-insights',
    LOG_LEVEL: 'info',
    POWERTOOLS_SERVICE_NAME: SERVICE,
    // Set by Lambda in every function's environment; Powertools reads cold starts from it.
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  });
  ingest = (await import('../../functions/ingest/handler.js')).handler as Handler;
  evaluate = (await import('../../functions/evaluate/handler.js')).handler as Handler;
}, 120_000);

describe('Telemetry of the Lambda handlers (Powertools logs and EMF metrics on stdout)', { timeout: 120_000 }, () => {
  const now = minuteFromDate(new Date());
  // A first-ever burst: 200 RunInstances in one minute of a new account (over 5× minCount).
  const burst = logFile(
    Array.from({ length: 200 }, (_, i) => cloudTrailRecord(now - 12, { recipientAccountId: ACCOUNT }, i % 60)),
    now - 10,
    ACCOUNT,
  );

  it('ingest: one EMF document with files ingested, skipped and quarantined, records, writes, insights and lag', async () => {
    // Prepare: a log file delivered 10 minutes ago, a file that is not gzip, and a digest.
    const good = await upload(burst.file.key, burst.body);
    const broken = await upload(burst.file.key.replace('_T', '_B'), 'not gzip at all');
    const digest = await upload(`AWSLogs/${ACCOUNT}/CloudTrail-Digest/us-east-1/2024/01/01/${ACCOUNT}_CloudTrail-Digest_us-east-1_x_20240101T0000Z.json.gz`, 'x');

    // Act
    const lines = await outputOf(() => ingest(sqsEvent(good, broken, digest), context('ingest')));

    // Assess: the metrics document
    const emf = applicationMetrics(lines);
    expect(emf._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: METRICS_NAMESPACE,
        Dimensions: [['service']],
        Metrics: expect.arrayContaining(
          ['FilesIngested', 'FilesSkipped', 'FilesQuarantined', 'Records', 'DynamoDbWriteCalls', 'InsightsOpened', 'InsightsEnded', 'InsightRecordsPublished', 'IngestLag'].map(
            (Name) => ({ Name, Unit: METRICS[Name as keyof typeof METRICS].unit }),
          ),
        ),
      },
    ]);
    expect(emf).toMatchObject({ service: SERVICE, FilesIngested: 1, FilesSkipped: 1, FilesQuarantined: 1, Records: 200 });
    // Two Starts: ec2:RunInstances and the account's ProvisioningCalls group.
    expect(emf).toMatchObject({ InsightsOpened: 2, InsightsEnded: 0, InsightRecordsPublished: 2 });
    // The file's contribution, the account-region registry, the insight, the quarantine record, ...
    expect(emf.DynamoDbWriteCalls).toBeGreaterThanOrEqual(4);
    // Delivered at the start of minute now−10, counted now: 10 to 11 minutes (plus test time).
    expect(emf.IngestLag).toBeGreaterThanOrEqual(600);
    expect(emf.IngestLag).toBeLessThan(720);
    // The first invocation of the container is a cold start: Powertools' own metric.
    expect(emfDocuments(lines).find((doc) => doc.ColdStart !== undefined)).toMatchObject({ ColdStart: 1, function_name: `${SERVICE}-ingest` });

    // Assess: log lines carry the request id, cold start, key and account-region
    const ingested = logLines(lines).find((line) => line.message === 'log file ingested')!;
    expect(ingested).toMatchObject({
      level: 'INFO',
      service: SERVICE,
      function_request_id: `request-${requests}`,
      cold_start: true,
      key: burst.file.key,
      account: ACCOUNT,
      region: 'us-east-1',
      records: 200,
    });
    const quarantined = logLines(lines).find((line) => line.message === 'log file quarantined')!;
    expect(quarantined).toMatchObject({ level: 'WARN', function_request_id: `request-${requests}`, key: burst.file.key.replace('_T', '_B'), account: ACCOUNT });
  });

  it('ingest again: the same file is skipped (already counted), nothing is quarantined, no cold start', async () => {
    const good = (await bucket.notifications(burst.file.key))[0];

    const lines = await outputOf(() => ingest(sqsEvent(good), context('ingest')));

    expect(applicationMetrics(lines)).toMatchObject({ FilesIngested: 0, FilesSkipped: 1, FilesQuarantined: 0, Records: 0, InsightRecordsPublished: 0 });
    expect(applicationMetrics(lines).IngestLag).toBeUndefined();
    expect(emfDocuments(lines).some((doc) => doc.ColdStart !== undefined)).toBe(false);
    expect(logLines(lines).find((line) => line.message === 'log file was already ingested')).toMatchObject({ cold_start: false, key: burst.file.key });
  });

  it('evaluate: duration, account-regions, insights ended, write calls, and the run logged with its request id', async () => {
    // Two hours on: the burst's hour is closed and rolled, and both insights are back to normal.
    const schedule = { source: 'aws.events', 'detail-type': 'Scheduled Event', time: minuteToIso(now + 120), detail: {} };

    const lines = await outputOf(() => evaluate(schedule, context('evaluate')));

    const emf = applicationMetrics(lines);
    expect(emf).toMatchObject({ service: SERVICE, AccountRegionsEvaluated: 1, InsightsOpened: 0, InsightsEnded: 2, InsightRecordsPublished: 2 });
    expect(emf.EvaluateDuration).toBeGreaterThan(0);
    expect(emf._aws.CloudWatchMetrics[0].Metrics).toContainEqual({ Name: 'EvaluateDuration', Unit: 'Milliseconds' });
    expect(emf.DynamoDbWriteCalls).toBeGreaterThanOrEqual(1);
    expect(logLines(lines).find((line) => line.message === 'evaluation done')).toMatchObject({
      function_request_id: `request-${requests}`,
      function_name: `${SERVICE}-evaluate`,
      accountRegions: 1,
    });
  });
});

describe('Verify it works: the documented test insight (docs/deploy.md)', { timeout: 120_000 }, () => {
  it('bench/synth/test-insight.ts makes a file that opens one Insight, published to EventBridge and the bucket', async () => {
    // Prepare: the documented command, as written, for an account the stack has never seen.
    const out = join(tmpdir(), `test-insight-${process.pid}.json.gz`);
    const key = execFileSync('npx', ['tsx', 'bench/synth/test-insight.ts', '--account', '555566667777', '--region', 'eu-west-1', '--out', out], {
      encoding: 'utf8',
    }).trim();
    const notification = await upload(key, readFileSync(out));

    // Act
    const lines = await outputOf(() => ingest(sqsEvent(notification), context('ingest')));

    // Assess: one Start, on the bus and under CloudTrail-Insight/, and counted in the metrics.
    expect(applicationMetrics(lines)).toMatchObject({ FilesIngested: 1, InsightsOpened: 1, InsightRecordsPublished: 1 });
    const starts = (await bus.events.entries())
      .map((entry) => entry.detail as Json)
      .filter((detail) => detail.recipientAccountId === '555566667777');
    expect(starts).toHaveLength(1);
    expect(starts[0]!.insightDetails).toMatchObject({ state: 'Start', eventSource: 'trail-insights.test', eventName: 'TestInsight', insightType: 'ApiCallRateInsight' });
    const written = await aws.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket.name, Prefix: 'AWSLogs/555566667777/CloudTrail-Insight/eu-west-1/' }));
    expect(written.KeyCount).toBe(1);
  });
});
