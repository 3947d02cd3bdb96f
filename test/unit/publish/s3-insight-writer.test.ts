import { gunzipSync } from 'node:zlib';
import type { PutObjectCommand, PutObjectCommandInput, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { LogLocation } from '../../../lib/cloudtrail/location.js';
import { InsightKeyError, InsightWriteError, PublisherConfigError } from '../../../lib/publish/errors.js';
import { insightFile } from '../../../lib/publish/insight-file.js';
import { S3InsightWriter } from '../../../lib/publish/s3-insight-writer.js';
import { fixtureRecord, recordWith, records } from './insight-fixture.js';

const LOCATION: LogLocation = { bucket: 'trail-bucket', prefix: 'audit/' };

/** A stand-in S3Client that records PutObject inputs, tracks concurrency and fails keys on request. */
function fakeS3(fail: (input: PutObjectCommandInput) => Error | undefined = () => undefined) {
  const inputs: PutObjectCommandInput[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const client = {
    send: async (command: PutObjectCommand) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      const error = fail(command.input);
      if (error) throw error;
      inputs.push(command.input);
      return {};
    },
  };
  return { client: client as unknown as S3Client, inputs, maxInFlight: () => maxInFlight };
}

describe('Class: S3InsightWriter', () => {
  it('puts one gzip JSON object per record at its Insight key', async () => {
    // Prepare
    const { client, inputs } = fakeS3();
    const writer = new S3InsightWriter({ client });
    const record = fixtureRecord();

    // Act
    await writer.publish([{ record, location: LOCATION }]);

    // Assess
    const expected = insightFile(record, LOCATION);
    expect(inputs).toHaveLength(1);
    expect(inputs[0]).toEqual({
      Bucket: 'trail-bucket',
      Key: expected.key,
      Body: expected.body,
      ContentType: 'application/json',
      ContentEncoding: 'gzip',
    });
    expect(JSON.parse(gunzipSync(inputs[0]?.Body as Uint8Array).toString('utf8'))).toEqual({ Records: [record] });
  });

  it('asks for SSE-KMS and the expected bucket owner when configured', async () => {
    // Prepare
    const { client, inputs } = fakeS3();
    const writer = new S3InsightWriter({ client, kmsKeyId: 'alias/trail', expectedBucketOwner: '111122223333' });

    // Act
    await writer.publish([{ record: fixtureRecord(), location: LOCATION }]);

    // Assess
    expect(inputs[0]).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/trail', ExpectedBucketOwner: '111122223333' });
  });

  it('writes a record listed twice once', async () => {
    // Prepare
    const { client, inputs } = fakeS3();
    const writer = new S3InsightWriter({ client });

    // Act
    await writer.publish([
      { record: recordWith('a'), location: LOCATION },
      { record: recordWith('a'), location: LOCATION },
    ]);

    // Assess
    expect(inputs).toHaveLength(1);
  });

  it('keeps at most `concurrency` writes in flight', async () => {
    // Prepare
    const { client, inputs, maxInFlight } = fakeS3();
    const writer = new S3InsightWriter({ client, concurrency: 3 });

    // Act
    await writer.publish(records(20).map((record) => ({ record, location: LOCATION })));

    // Assess
    expect(inputs).toHaveLength(20);
    expect(maxInFlight()).toBe(3);
  });

  it('writes the others, then throws InsightWriteError naming each failed record', async () => {
    // Prepare
    const denied = Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    const failKey = insightFile(recordWith('evt-1'), LOCATION).key;
    const { client, inputs } = fakeS3((input) => (input.Key === failKey ? denied : undefined));
    const writer = new S3InsightWriter({ client });

    // Act
    const error = await writer.publish(records(3).map((record) => ({ record, location: LOCATION }))).catch((e: unknown) => e);

    // Assess
    expect(inputs).toHaveLength(2);
    expect(error).toBeInstanceOf(InsightWriteError);
    const write = error as InsightWriteError;
    expect(write.failedEventIDs).toEqual(['evt-1']);
    expect(write.failures[0]).toMatchObject({ container: 'trail-bucket', key: failKey, errorName: 'AccessDenied', httpStatusCode: 403 });
    expect(write.cause).toBe(denied);
  });

  it('writes nothing when any record cannot form a key', async () => {
    // Prepare
    const { client, inputs } = fakeS3();
    const writer = new S3InsightWriter({ client });
    const bad = recordWith('bad', { recipientAccountId: 'nope' });

    // Act
    const act = writer.publish([
      { record: recordWith('good'), location: LOCATION },
      { record: bad, location: LOCATION },
    ]);

    // Assess
    await expect(act).rejects.toThrow(InsightKeyError);
    expect(inputs).toEqual([]);
  });

  it.each([
    { option: 'kmsKeyId', overrides: { kmsKeyId: '' } },
    { option: 'expectedBucketOwner', overrides: { expectedBucketOwner: 'me' } },
    { option: 'concurrency', overrides: { concurrency: 0 } },
  ])('rejects an unusable $option', ({ option, overrides }) => {
    // Prepare
    const { client } = fakeS3();

    // Act
    const act = () => new S3InsightWriter({ client, ...overrides });

    // Assess
    expect(act).toThrow(PublisherConfigError);
    expect(act).toThrow(expect.objectContaining({ option }));
  });
});
