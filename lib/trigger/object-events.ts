import { decodeS3EventKey } from '../cloudtrail/log-key.js';

/** An object announced as created, with its key already decoded. */
export interface ObjectRef {
  bucket: string;
  key: string;
  size?: number;
}

/** What one trigger message announces. */
export type MessageContent =
  | { kind: 'objects'; objects: ObjectRef[] }
  /** S3's `s3:TestEvent`, sent when a notification is configured: nothing to read. */
  | { kind: 'test-event' }
  /** Events for other S3 actions (e.g. ObjectRemoved): not ours to count. */
  | { kind: 'ignored'; reason: string };

/** A trigger message of no known shape: retrying cannot help; it belongs in the dead-letter queue. */
export class UnrecognizedMessageError extends Error {
  constructor(
    message: string,
    readonly body: string,
  ) {
    super(message);
    this.name = 'UnrecognizedMessageError';
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads an S3 notification in any of the forms a trail bucket can deliver it:
 * - S3 event notification `{Records:[{eventSource:'aws:s3', s3:{bucket, object}}]}`
 *   (keys URL-encoded, `+` for space), directly or as an SQS body;
 * - the same wrapped in an SNS envelope (`{Type:'Notification', Message:'…'}`), for
 *   buckets that fan out through a topic;
 * - EventBridge `{source:'aws.s3', 'detail-type':'Object Created', detail}` (keys NOT encoded);
 * - `s3:TestEvent`.
 */
export function parseObjectEvent(payload: unknown, raw = ''): MessageContent {
  if (!isObject(payload)) throw new UnrecognizedMessageError('trigger message is not a JSON object', raw);
  if (payload.Event === 's3:TestEvent') return { kind: 'test-event' };
  if (payload.Type === 'Notification' && typeof payload.Message === 'string') {
    return parseObjectEvent(parseJson(payload.Message), payload.Message);
  }
  if (payload.source === 'aws.s3' && isObject(payload.detail)) {
    if (payload['detail-type'] !== 'Object Created') return { kind: 'ignored', reason: String(payload['detail-type']) };
    const bucket = isObject(payload.detail.bucket) ? payload.detail.bucket.name : undefined;
    const object = isObject(payload.detail.object) ? payload.detail.object : undefined;
    if (typeof bucket !== 'string' || typeof object?.key !== 'string') {
      throw new UnrecognizedMessageError('EventBridge S3 event without bucket name or object key', raw);
    }
    return { kind: 'objects', objects: [withSize({ bucket, key: object.key }, object.size)] };
  }
  if (Array.isArray(payload.Records)) {
    const objects: ObjectRef[] = [];
    const ignored: string[] = [];
    for (const record of payload.Records) {
      if (!isObject(record) || !isObject(record.s3) || typeof record.eventName !== 'string') {
        throw new UnrecognizedMessageError('S3 notification record without s3 or eventName', raw);
      }
      const eventName = record.eventName;
      if (!eventName.startsWith('ObjectCreated:')) {
        ignored.push(eventName);
        continue;
      }
      const bucket = isObject(record.s3.bucket) ? record.s3.bucket.name : undefined;
      const object = isObject(record.s3.object) ? record.s3.object : undefined;
      if (typeof bucket !== 'string' || typeof object?.key !== 'string') {
        throw new UnrecognizedMessageError('S3 notification record without bucket name or object key', raw);
      }
      objects.push(withSize({ bucket, key: decodeS3EventKey(object.key) }, object.size));
    }
    return objects.length > 0 || ignored.length === 0 ? { kind: 'objects', objects } : { kind: 'ignored', reason: ignored.join(',') };
  }
  throw new UnrecognizedMessageError('not an S3 notification, SNS envelope or EventBridge S3 event', raw);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UnrecognizedMessageError('trigger message is not JSON', text);
  }
}

function withSize(ref: ObjectRef, size: unknown): ObjectRef {
  return typeof size === 'number' && Number.isFinite(size) ? { ...ref, size } : ref;
}
