/**
 * S3 event notifications as the engine receives them, built from what s3rver emits.
 *
 * s3rver 3.7.1 emits the S3 notification shape in-process (`s3rver.on('event')`), with
 * three differences from real S3 that matter to a consumer, fixed here:
 * - the object key is raw; S3 sends it URL-encoded form-style ("my file=1.gz" arrives as
 *   "my+file%3D1.gz"), and a consumer that forgets to decode must fail in tests too;
 * - the bucket ARN reads `arn:aws:s3: : :bucket` instead of `arn:aws:s3:::bucket`;
 * - every event of one millisecond shares a sequencer; S3's grow per key, and consumers
 *   may order or deduplicate by them.
 * Not fixed: a completed multipart upload arrives as `ObjectCreated:Post` (S3 says
 * `ObjectCreated:CompleteMultipartUpload`); CloudTrail writes its logs with PutObject.
 */

export interface S3NotificationRecord {
  eventVersion: string;
  eventSource: 'aws:s3';
  awsRegion: string;
  eventTime: string;
  /** `ObjectCreated:Put`, `ObjectCreated:Copy`, `ObjectCreated:Post`, `ObjectRemoved:Delete`. */
  eventName: string;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: Record<string, string>;
  s3: {
    s3SchemaVersion: string;
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: { key: string; size?: number; eTag?: string; sequencer: string; versionId?: string };
  };
}

/** One notification message: what S3 sends to SQS, SNS or Lambda. */
export interface S3Notification {
  Records: S3NotificationRecord[];
}

/**
 * URL-encodes a key the way S3 notifications carry it: form encoding (space as `+`,
 * everything but letters, digits and `*-._` percent-encoded), with `/` kept.
 */
export const encodeNotificationKey = (key: string): string =>
  key
    .split('/')
    .map((segment) => new URLSearchParams({ k: segment }).toString().slice(2))
    .join('/');

let lastSequencerTick = 0n;

/** Hex, upper case, strictly increasing within the process (like S3's per-key order). */
const nextSequencer = (): string => {
  const tick = BigInt(Date.now()) << 12n;
  lastSequencerTick = tick > lastSequencerTick ? tick : lastSequencerTick + 1n;
  return lastSequencerTick.toString(16).toUpperCase().padStart(16, '0');
};

/** Rewrites one s3rver event into the real S3 shape (see the file comment). */
export const toS3Notification = (s3rverEvent: S3Notification): S3Notification => ({
  Records: s3rverEvent.Records.map((record) => ({
    ...record,
    // S3 moved to 2.1 when it added fields; consumers accept both, emit what S3 emits today.
    eventVersion: '2.1',
    s3: {
      ...record.s3,
      bucket: { ...record.s3.bucket, arn: `arn:aws:s3:::${record.s3.bucket.name}` },
      object: {
        ...record.s3.object,
        key: encodeNotificationKey(record.s3.object.key),
        sequencer: nextSequencer(),
      },
    },
  })),
});

/** Messages from the s3rver child process to local-aws. */
export type S3rverChildMessage =
  | { type: 'ready'; port: number; directory: string }
  | { type: 'event'; bucket: string; key: string; notification: S3Notification }
  | { type: 'failed'; message: string };

/** Messages from local-aws to the s3rver child process. */
export type S3rverParentMessage = { type: 'stop' };
