import { gzipSync } from 'node:zlib';
import { objectIdOf } from '../../lib/cloudtrail/log-key.js';
import type { LogFile } from '../../lib/cloudtrail/log-key.js';
import { minuteToDatePath, minuteToStamp, type Minute } from '../../lib/time/minute.js';

/** A record with the fields the engine reads, the rest as CloudTrail writes them. */
export function cloudTrailRecord(at: Minute, over: Record<string, unknown> = {}, second = 0): Record<string, unknown> {
  const account = (over.recipientAccountId as string | undefined) ?? '111111111111';
  return {
    eventVersion: '1.09',
    userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${account}:assumed-role/App/i-0abc`, accountId: account },
    eventTime: new Date(at * 60_000 + second * 1000).toISOString().replace('.000Z', 'Z'),
    eventSource: 'ec2.amazonaws.com',
    eventName: 'RunInstances',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.7',
    userAgent: 'aws-sdk-js/3',
    requestParameters: null,
    responseElements: null,
    eventID: `${at}-${Math.random().toString(36).slice(2)}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
    ...over,
  };
}

export interface BuiltFile {
  file: LogFile;
  deliveryMinute: Minute;
  body: Buffer;
  records: Array<Record<string, unknown>>;
}

let sequence = 0;

/** One gzip log file under the AWS key layout, delivered at `deliveryMinute`. */
export function logFile(records: Array<Record<string, unknown>>, deliveryMinute: Minute, account = '111111111111', region = 'us-east-1', bucket = 'trail'): BuiltFile {
  const suffix = `T${String(sequence++).padStart(15, '0')}`;
  const key = `AWSLogs/${account}/CloudTrail/${region}/${minuteToDatePath(deliveryMinute)}/${account}_CloudTrail_${region}_${minuteToStamp(deliveryMinute)}_${suffix}.json.gz`;
  return {
    file: { bucket, key, objectId: objectIdOf(bucket, key), account, region, deliveryMinute, location: { bucket, prefix: '' } },
    deliveryMinute,
    body: gzipSync(JSON.stringify({ Records: records })),
    records,
  };
}

/** The body as the stream the engine reads, in chunks. */
export async function* chunks(body: Buffer, size = 4096): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < body.length; at += size) yield body.subarray(at, at + size);
}
