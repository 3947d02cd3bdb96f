/**
 * The Insights file format and key layout shared by the S3 and directory writers
 * (INSIGHTS-FORMAT.md, "Output 1"):
 *
 *     <prefix>AWSLogs/[<orgId>/]<account>/CloudTrail-Insight/<region>/YYYY/MM/DD/
 *       <account>_CloudTrail-Insight_<region>_<YYYYMMDDTHHmmZ>_<16 [A-Za-z0-9]>.json.gz
 *
 * Why ONE record per object, and a key made only from that record: a retry must overwrite,
 * never duplicate. The stamp is the record's eventTime minute and the 16-character suffix
 * is a base62 digest of its eventID, so the same record always lands on the same key. If
 * several records shared an object, the key would depend on which records happened to be
 * published together; a retry after a partial failure can publish a different set, and the
 * same record would then sit in two objects, which every SIEM would ingest twice. Insights
 * are rare (a few per account-day), so the extra PUTs cost nothing that matters.
 *
 * Where AWS stamps the *delivery* minute, we stamp the eventTime minute: the delivery
 * minute of a retry differs from the first attempt's. Readers treat the stamp and suffix
 * as opaque; they read eventTime from the record.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { LogLocation } from '../cloudtrail/location.js';
import type { InsightRecord } from '../insights/record.js';
import { minuteOf, minuteToDatePath, minuteToStamp } from '../time/minute.js';
import { InsightKeyError } from './errors.js';

/** An Insights file ready to write: its key in the trail bucket and its gzip bytes. */
export interface InsightFile {
  key: string;
  body: Uint8Array;
}

export const INSIGHT_FILE_CONTENT_TYPE = 'application/json';
export const INSIGHT_FILE_CONTENT_ENCODING = 'gzip';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX_LENGTH = 16;
const SUFFIX_SPACE = 62n ** BigInt(SUFFIX_LENGTH);

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z0-9-]+$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;

/**
 * The 16-character base62 suffix of a record's file name: the first 128 bits of the
 * SHA-256 of its eventID, reduced to 62^16 (~2^95) values, so distinct eventIDs collide
 * with negligible probability and the same eventID always gives the same suffix.
 */
export function insightKeySuffix(eventID: string): string {
  const digest = createHash('sha256').update(eventID, 'utf8').digest();
  let n = BigInt(`0x${digest.subarray(0, 16).toString('hex')}`) % SUFFIX_SPACE;
  let out = '';
  for (let i = 0; i < SUFFIX_LENGTH; i++) {
    out = BASE62.charAt(Number(n % 62n)) + out;
    n /= 62n;
  }
  return out;
}

/** The object key of the file holding exactly this record (see the module comment). */
export function insightObjectKey(record: InsightRecord, location: LogLocation): string {
  const account = record.recipientAccountId;
  const region = record.awsRegion;
  // The fields go into a path: refuse any that would leave the layout strict parsers expect.
  if (!ACCOUNT.test(account)) {
    throw new InsightKeyError(`recipientAccountId ${JSON.stringify(account)} is not 12 digits`, record.eventID, 'recipientAccountId');
  }
  if (!REGION.test(region)) {
    throw new InsightKeyError(`awsRegion ${JSON.stringify(region)} is not a region name`, record.eventID, 'awsRegion');
  }
  if (location.orgId !== undefined && !ORG_ID.test(location.orgId)) {
    throw new InsightKeyError(`orgId ${JSON.stringify(location.orgId)} is not an organization id`, record.eventID, 'orgId');
  }
  const minute = minuteOf(record.eventTime);
  if (minute === undefined) {
    throw new InsightKeyError(`eventTime ${JSON.stringify(record.eventTime)} is not a timestamp`, record.eventID, 'eventTime');
  }
  // CloudTrail's own S3KeyPrefix setting has no trailing slash; accept it either way.
  const prefix = location.prefix === '' || location.prefix.endsWith('/') ? location.prefix : `${location.prefix}/`;
  const org = location.orgId === undefined ? '' : `${location.orgId}/`;
  const name = `${account}_CloudTrail-Insight_${region}_${minuteToStamp(minute)}_${insightKeySuffix(record.eventID)}.json.gz`;
  return `${prefix}AWSLogs/${org}${account}/CloudTrail-Insight/${region}/${minuteToDatePath(minute)}/${name}`;
}

/**
 * Gzip JSON `{"Records":[...]}`, keys in the records' own (AWS) order. Node's gzip header
 * has a zero mtime, so the same records always give the same bytes.
 */
export function insightFileBody(records: readonly InsightRecord[]): Uint8Array {
  return gzipSync(JSON.stringify({ Records: records }));
}

/** Key and body of the one-record file for this insight: the single source for both writers. */
export function insightFile(record: InsightRecord, location: LogLocation): InsightFile {
  return { key: insightObjectKey(record, location), body: insightFileBody([record]) };
}
