/**
 * S3InsightWriter through the real SDK client against s3rver (the local stack's S3).
 */
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { LogLocation } from '../../lib/cloudtrail/location.js';
import { InsightWriteError } from '../../lib/publish/errors.js';
import { insightFileBody, insightObjectKey } from '../../lib/publish/insight-file.js';
import { S3InsightWriter } from '../../lib/publish/s3-insight-writer.js';
import { useLocalAws } from '../support/aws-env.js';
import { fixtureRecord, records } from '../unit/publish/insight-fixture.js';

const aws = useLocalAws();
// As the engine builds it from S3_FORCE_PATH_STYLE; the endpoint comes from AWS_ENDPOINT_URL_S3.
const s3 = new S3Client({ forcePathStyle: true });

const KEY_LAYOUT =
  /^(.+\/)?AWSLogs\/(o-[a-z0-9]{10,32}\/)?\d{12}\/CloudTrail-Insight\/[a-z0-9-]+\/\d{4}\/\d{2}\/\d{2}\/\d{12}_CloudTrail-Insight_[a-z0-9-]+_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$/;

async function keysIn(bucket: string): Promise<string[]> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (page.Contents ?? []).map((o) => o.Key ?? '').sort();
}

describe('Class: S3InsightWriter (s3rver)', () => {
  it('writes the record at its Insight key as gzip JSON with its content headers', async () => {
    // Prepare
    const bucket = await aws.createTestBucket({ label: 'insights' });
    const location: LogLocation = { bucket: bucket.name, prefix: 'audit/', orgId: 'o-abcdefghij' };
    const record = fixtureRecord();
    const writer = new S3InsightWriter({ client: s3 });

    // Act
    await writer.publish([{ record, location }]);

    // Assess
    const key = insightObjectKey(record, location);
    expect(key).toMatch(KEY_LAYOUT);
    expect(await keysIn(bucket.name)).toEqual([key]);
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }));
    expect(object.ContentType).toBe('application/json');
    expect(object.ContentEncoding).toBe('gzip');
    const bytes = await object.Body?.transformToByteArray();
    expect(Buffer.from(bytes ?? []).equals(Buffer.from(insightFileBody([record])))).toBe(true);
    expect(JSON.parse(gunzipSync(bytes ?? new Uint8Array()).toString('utf8'))).toEqual({ Records: [record] });
  });

  it('leaves one object when the same record is written twice', async () => {
    // Prepare
    const bucket = await aws.createTestBucket({ label: 'twice' });
    const location: LogLocation = { bucket: bucket.name, prefix: '' };
    const writer = new S3InsightWriter({ client: s3 });
    const insight = { record: fixtureRecord(), location };

    // Act
    await writer.publish([insight]);
    await writer.publish([insight, { record: fixtureRecord(), location }]);

    // Assess
    expect(await keysIn(bucket.name)).toEqual([insightObjectKey(insight.record, location)]);
  });

  it('writes one object per record with bounded parallelism', async () => {
    // Prepare
    const bucket = await aws.createTestBucket({ label: 'many' });
    const location: LogLocation = { bucket: bucket.name, prefix: '' };
    const recs = records(25, 'many');
    const writer = new S3InsightWriter({ client: s3, concurrency: 4 });

    // Act
    await writer.publish(recs.map((record) => ({ record, location })));

    // Assess
    expect(await keysIn(bucket.name)).toEqual(recs.map((r) => insightObjectKey(r, location)).sort());
  });

  it('sends SSE-KMS and expected-owner headers when configured', async () => {
    // Prepare: capture the signed request, since s3rver stores neither setting
    const bucket = await aws.createTestBucket({ label: 'kms' });
    const client = new S3Client({ forcePathStyle: true });
    const sent: Record<string, string>[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        sent.push({ ...(args.request as { headers: Record<string, string> }).headers });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'captureHeaders' },
    );
    const writer = new S3InsightWriter({ client, kmsKeyId: 'alias/trail-insights', expectedBucketOwner: '123456789012' });

    // Act
    await writer.publish([{ record: fixtureRecord(), location: { bucket: bucket.name, prefix: '' } }]);

    // Assess
    expect(sent[0]).toMatchObject({
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': 'alias/trail-insights',
      'x-amz-expected-bucket-owner': '123456789012',
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket.name, Key: insightObjectKey(fixtureRecord(), { bucket: bucket.name, prefix: '' }) }));
    expect(head.ContentEncoding).toBe('gzip');
  });

  it('throws InsightWriteError with the S3 error when the bucket does not exist', async () => {
    // Prepare
    const writer = new S3InsightWriter({ client: s3 });
    const record = fixtureRecord();

    // Act
    const error = await writer.publish([{ record, location: { bucket: 'ti-no-such-bucket-anywhere', prefix: '' } }]).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(InsightWriteError);
    const write = error as InsightWriteError;
    expect(write.failedEventIDs).toEqual([record.eventID]);
    expect(write.failures[0]).toMatchObject({ container: 'ti-no-such-bucket-anywhere', errorName: 'NoSuchBucket', httpStatusCode: 404 });
  });
});
