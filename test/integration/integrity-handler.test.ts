/**
 * The in-stack validation through functions/integrity/handler.ts on the local stack:
 * digests announced by s3rver's real S3 notifications (as SQS messages), signatures in
 * object metadata, keys from the local ListPublicKeys endpoint, the engine's counts in
 * DynamoDB Local (written by the real ingest handler), alerts on the PutEvents endpoint.
 */
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, IntegrityAlert } from '../../lib/integrity/alert.js';
import { useLocalAws, type TestBucket, type TestEventBus } from '../support/aws-env.js';
import { startCloudTrailServer, type CloudTrailServer } from '../support/cloudtrail-server.js';
import { buildTrail, putTrailToS3, testKey, type BuiltTrail, type TrailOptions } from '../support/digest-chain.js';

const aws = useLocalAws();
const START = Date.UTC(2024, 1, 22, 0, 0, 31);
const KEY = testKey();
const context = { getRemainingTimeInMillis: () => 120_000 };
type Handler = (event: unknown, context: unknown) => Promise<unknown>;

let cloudtrail: CloudTrailServer;
let bus: TestEventBus;
let validate: Handler;
let ingest: Handler;
let accounts = 100_000_000_000 + Math.floor(Math.random() * 1e9);

beforeAll(async () => {
  cloudtrail = await startCloudTrailServer();
  cloudtrail.addKey('us-east-1', { der: KEY.der, fingerprint: KEY.fingerprint, validFrom: new Date(START - 86_400_000), validTo: new Date(START + 30 * 86_400_000) });
  bus = aws.createTestEventBus({ label: 'integrity' });
  const table = await aws.createTestTable({ label: 'integrity' });
  Object.assign(process.env, {
    TABLE_NAME: table.name,
    EVENT_BUS_NAME: bus.name,
    EVENT_SOURCE: 'acme.trail-insights',
    LOG_LEVEL: 'error',
    AWS_ENDPOINT_URL_CLOUDTRAIL: cloudtrail.url,
  });
  validate = (await import('../../functions/integrity/handler.js')).handler as Handler;
  ingest = (await import('../../functions/ingest/handler.js')).handler as Handler;
}, 120_000);
afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_CLOUDTRAIL;
  await cloudtrail.close();
});

/** A trail of a fresh account in a fresh bucket, uploaded; its log files ingested by the engine when asked. */
async function uploaded(options: Partial<TrailOptions> = {}, tamper?: (trail: BuiltTrail) => void): Promise<{ bucket: TestBucket; trail: BuiltTrail }> {
  const bucket = await aws.createTestBucket({ label: 'integrity' });
  const trail = buildTrail({ bucket: bucket.name, start: START, hours: 3, key: KEY, account: String(++accounts), ...options });
  tamper?.(trail);
  await putTrailToS3(trail, aws.clients.s3);
  return { bucket, trail };
}

/** The SQS message the queue would hold for the object, from the notification s3rver sent. */
async function sqsEventFor(bucket: TestBucket, key: string): Promise<unknown> {
  const [notification] = (await bucket.waitForNotifications(key)).slice(-1);
  return { Records: [{ messageId: `m-${key.slice(-30)}`, eventSource: 'aws:sqs', body: JSON.stringify(notification) }] };
}

async function deliver(handler: Handler, bucket: TestBucket, keys: readonly string[]): Promise<void> {
  for (const key of keys) {
    const response = (await handler(await sqsEventFor(bucket, key), context)) as { batchItemFailures: unknown[] };
    expect(response.batchItemFailures).toEqual([]);
  }
}

async function alertsFor(account: string): Promise<IntegrityAlert[]> {
  const entries = await bus.events.entries();
  return entries
    .filter((entry) => entry.detailType === 'CloudTrail Log Integrity Alert' && (entry.detail as unknown as IntegrityAlert).account === account)
    .map((entry) => {
      expect(entry.source).toBe('acme.trail-insights');
      return entry.detail as unknown as IntegrityAlert;
    });
}

const findings = (alert: IntegrityAlert | undefined) => (alert?.findings ?? []).map((f: Finding) => [f.kind, f.key, f.engine ?? '-']).sort();

describe('integrity handler (local stack)', { timeout: 300_000 }, () => {
  it('publishes nothing for an untouched trail, and one overdue alert once the digests stop', async () => {
    const { bucket, trail } = await uploaded();
    const account = trail.digestJson(trail.digestKeys[0]!).awsAccountId as string;

    await deliver(validate, bucket, trail.digestKeys);
    expect(await alertsFor(account)).toEqual([]);

    // The clock has moved on since 2024: the next digest is long overdue. A second run does not page again.
    await validate({ source: 'aws.events', 'detail-type': 'Scheduled Event', time: new Date().toISOString() }, context);
    await validate({ source: 'aws.events', 'detail-type': 'Scheduled Event', time: new Date().toISOString() }, context);

    const alerts = await alertsFor(account);
    expect(alerts.map((a) => findings(a))).toEqual([[['digest-overdue', trail.digestKeys[2], '-']]]);
    expect(alerts[0]!.findings[0]!.reason).toContain('was due by 2024-02-22T04:00:31.000Z');
  });

  it('names modified, deleted and unlisted log files, and whether the engine counted them', async () => {
    const { bucket, trail } = await uploaded();
    const account = trail.digestJson(trail.digestKeys[0]!).awsAccountId as string;
    const [modified, deleted] = [trail.logKeys[1]![0]!, trail.logKeys[1]![1]!];
    const forged = trail.addUnlistedLogFile(Math.floor((START + 90 * 60_000) / 60_000));
    const neverIngested = trail.addUnlistedLogFile(Math.floor((START + 100 * 60_000) / 60_000));
    await aws.clients.s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: forged, Body: trail.objects.get(forged)!.body }));
    await deliver(ingest, bucket, [...trail.logKeys.flat(), forged]);
    // After the engine counted them: one file edited in place, one deleted; one forged file never reaches the engine.
    trail.changeByte(modified);
    await aws.clients.s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: modified, Body: trail.objects.get(modified)!.body }));
    await aws.clients.s3.send(new DeleteObjectCommand({ Bucket: bucket.name, Key: deleted }));
    await aws.clients.s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: neverIngested, Body: trail.objects.get(neverIngested)!.body }));

    await deliver(validate, bucket, trail.digestKeys);

    const alerts = await alertsFor(account);
    expect(alerts).toHaveLength(1);
    expect(findings(alerts[0])).toEqual(
      [
        ['log-file-deleted', deleted, 'counted'],
        ['log-file-modified', modified, 'counted'],
        ['log-file-unlisted', forged, 'counted'],
        ['log-file-unlisted', neverIngested, 'not-counted'],
      ].sort(),
    );
    expect(alerts[0]).toMatchObject({ region: 'us-east-1', trail: 'management', digest: { bucket: bucket.name, key: trail.digestKeys[1], endTime: '2024-02-22T02:00:31Z' } });
    expect(alerts[0]!.summary).toBe(
      `CloudTrail log integrity: 1 log file(s) modified, 1 log file(s) deleted, 2 log file(s) in no digest (3 counted by the engine) in ${account} us-east-1 trail management`,
    );
  });

  it('alerts on a deleted digest when the next one links to it', async () => {
    const { bucket, trail } = await uploaded();
    const account = trail.digestJson(trail.digestKeys[0]!).awsAccountId as string;
    await deliver(validate, bucket, [trail.digestKeys[0]!]);
    await aws.clients.s3.send(new DeleteObjectCommand({ Bucket: bucket.name, Key: trail.digestKeys[1]! }));

    await deliver(validate, bucket, [trail.digestKeys[2]!]);

    expect((await alertsFor(account)).map((a) => findings(a))).toEqual([[['digest-missing', trail.digestKeys[1], '-']]]);
  });

  it('alerts on an edited digest, and on a signature from a key CloudTrail does not publish', async () => {
    const { bucket, trail } = await uploaded({}, (t) => {
      t.editDigest(t.digestKeys[1]!, (json) => json.logFiles.pop());
      t.resignDigest(t.digestKeys[2]!, testKey(), true);
    });
    const account = trail.digestJson(trail.digestKeys[0]!).awsAccountId as string;

    await deliver(validate, bucket, trail.digestKeys);

    const alerts = await alertsFor(account);
    expect(alerts.map((a) => findings(a))).toEqual([[['digest-invalid', trail.digestKeys[1], '-']], [['digest-invalid', trail.digestKeys[2], '-']]]);
    expect(alerts[0]!.findings[0]!.reason).toBe('signature verification failed');
    expect(alerts[1]!.findings[0]!.reason).toMatch(/^no public key with fingerprint/);
  });

  it('reports a chain that starts again after digests were seen: logging was off', async () => {
    const { bucket, trail } = await uploaded({ hours: 4, offHours: [1] });
    const account = trail.digestJson(trail.digestKeys[0]!).awsAccountId as string;

    await deliver(validate, bucket, trail.digestKeys);

    const alerts = await alertsFor(account);
    expect(alerts.map((a) => findings(a))).toEqual([[['chain-gap', trail.digestKeys[1], '-']]]);
    expect(alerts[0]!.findings[0]!.reason).toContain('no digest from 2024-02-22T01:00:31.000Z');
  });

  it('does not reach into another bucket when the chain moved there (the role reads the trail bucket only)', async () => {
    const { bucket, trail } = await uploaded({ hours: 1, firstPrevious: { bucket: 'the-old-trail-bucket', key: 'AWSLogs/x/CloudTrail-Digest/old.json.gz' } });
    const account = trail.digestJson(trail.digestKeys[0]!).awsAccountId as string;

    await deliver(validate, bucket, trail.digestKeys);

    expect(await alertsFor(account)).toEqual([]);
  });

  it('leaves keys that are not digests alone (sns wiring announces everything)', async () => {
    const { bucket, trail } = await uploaded({ hours: 1 });
    const account = trail.digestJson(trail.digestKeys[0]!).awsAccountId as string;

    await deliver(validate, bucket, trail.logKeys[0]!);

    expect(await alertsFor(account)).toEqual([]);
  });
});
