/**
 * Which objects of a trail bucket are CloudTrail log files, and what their keys say.
 *
 * Accepted (INSIGHTS-FORMAT.md, "Input"), the folders strictly:
 *
 *     [<prefix>/]AWSLogs/[<o-orgid>/]<account>/CloudTrail/<region>/<YYYY>/<MM>/<DD>/<name>
 *
 * - `<prefix>`: any segments (possibly none) before `AWSLogs/`; kept as the location of
 *   our own Insights files.
 * - `<o-orgid>`: `o-` and 10-32 lowercase letters or digits (AWS Organizations' pattern).
 * - `<account>`: 12 digits. `<region>`: two letters, then `-`-separated lowercase words
 *   or digits (`us-east-1`, `us-gov-west-1`, `eu-isoe-west-1`).
 * - `<YYYY>/<MM>/<DD>`: digits (4, 2, 2).
 * - `<name>`: any file name ending in `.json.gz` or `.json`. The name is leniently read:
 *   a log that was renamed or re-uploaded is still counted rather than silently lost,
 *   and a non-log there is caught by the reader and quarantined, loudly. When the name
 *   has CloudTrail's form `<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<suffix>` (any
 *   alphanumeric suffix, not only 16 characters) with a valid time, it gives the
 *   delivery minute. The account and region always come from the folders.
 *
 * Skipped, each with its reason: keys ending in `/` (`folder`), empty objects (`empty`),
 * `CloudTrail-Digest` (`digest`) and `CloudTrail-Insight` (`insight`, our own output
 * included: reading it would loop) in the same layout, and everything else (`foreign`:
 * other services' logs, Config snapshots, other applications' objects).
 */
import { createHash } from 'node:crypto';
import { stampToMinute, minuteToStamp, type Minute } from '../time/minute.js';
import type { LogLocation } from './location.js';

export interface LogFile {
  bucket: string;
  /** The object key, decoded. */
  key: string;
  /** Stable short identity of the object (`objectIdOf`). */
  objectId: string;
  /** Account of the key's folders (the member account of an organization trail). */
  account: string;
  region: string;
  /** When CloudTrail delivered the file (from its name), when the name says. */
  deliveryMinute?: Minute;
  /** Where this account-region's files live, for writing Insights files beside them. */
  location: LogLocation;
}

export type SkipReason = 'digest' | 'insight' | 'folder' | 'empty' | 'foreign';

export type KeyRoute = { kind: 'log'; file: LogFile } | { kind: 'skip'; reason: SkipReason; detail: string };

const ORG_ID = 'o-[a-z0-9]{10,32}';
const ACCOUNT = '\\d{12}';
const REGION = '[a-z]{2}(?:-[a-z0-9]+)+';

// A greedy prefix lets the prefix itself contain `AWSLogs`; the rest must match exactly.
// `[^]` rather than `.`: S3 keys may hold line terminators.
const LOG_KEY = new RegExp(
  `^(?<prefix>(?:[^]*/)?)AWSLogs/(?:(?<orgId>${ORG_ID})/)?(?<account>${ACCOUNT})/CloudTrail/(?<region>${REGION})/\\d{4}/\\d{2}/\\d{2}/(?<name>[^/]+\\.json(?:\\.gz)?)$`,
);
const DIGEST_KEY = new RegExp(`(?:^|/)AWSLogs/(?:${ORG_ID}/)?${ACCOUNT}/CloudTrail-Digest/`);
const INSIGHT_KEY = new RegExp(`(?:^|/)AWSLogs/(?:${ORG_ID}/)?${ACCOUNT}/CloudTrail-Insight/`);
// `<trail>` may hold underscores: the fixed-width stamp and the home region are read from the end.
const DIGEST_PATH = new RegExp(
  `^(?<prefix>(?:[^]*/)?)AWSLogs/(?:(?<orgId>${ORG_ID})/)?(?<account>${ACCOUNT})/CloudTrail-Digest/(?<region>${REGION})/\\d{4}/\\d{2}/\\d{2}/` +
    `\\k<account>_CloudTrail-Digest_\\k<region>_(?<trail>[^/]+)_(?<homeRegion>${REGION})_(?<stamp>\\d{8}T\\d{6}Z)\\.json\\.gz$`,
);
const LOG_NAME = new RegExp(
  `^(?<account>${ACCOUNT})_CloudTrail_(?<region>${REGION})_(?<stamp>\\d{8}T\\d{4}Z)_[A-Za-z0-9]+\\.json(?:\\.gz)?$`,
);

/**
 * Decides what to do with one object of the trail bucket.
 *
 * @param key the object key, already decoded (see `decodeS3EventKey`)
 * @param size the object size when the notification gives it; 0 means skip as `empty`
 * @example
 * ```ts
 * routeKey('trail', 'AWSLogs/123456789012/CloudTrail/us-east-1/2023/07/10/123456789012_CloudTrail_us-east-1_20230710T1145Z_7xgocspSowgK0Gto.json.gz');
 * // { kind: 'log', file: { account: '123456789012', region: 'us-east-1', deliveryMinute: 28149825, ... } }
 * ```
 */
export function routeKey(bucket: string, key: string, size?: number): KeyRoute {
  if (key.endsWith('/')) return skip('folder', `folder marker ${key}`);
  if (size === 0) return skip('empty', `empty object ${key}`);
  const match = LOG_KEY.exec(key);
  if (match?.groups === undefined) {
    if (DIGEST_KEY.test(key)) return skip('digest', `CloudTrail digest ${key}`);
    if (INSIGHT_KEY.test(key)) return skip('insight', `CloudTrail Insights file ${key}`);
    return skip('foreign', `not a CloudTrail log key: ${key}`);
  }
  const { prefix = '', orgId, account = '', region = '', name = '' } = match.groups;
  const location: LogLocation = orgId === undefined ? { bucket, prefix } : { bucket, prefix, orgId };
  const file: LogFile = { bucket, key, objectId: objectIdOf(bucket, key), account, region, location };
  const deliveryMinute = parseLogFileName(name)?.deliveryMinute;
  if (deliveryMinute !== undefined) file.deliveryMinute = deliveryMinute;
  return { kind: 'log', file };
}

const skip = (reason: SkipReason, detail: string): KeyRoute => ({ kind: 'skip', reason, detail });

/**
 * A stable short id of an object, the exactly-once key of its counts in the store: the
 * first 132 bits of SHA-256 over `bucket \n key`, as 22 base64url characters. Bucket
 * names cannot hold a newline, so distinct objects hash distinct inputs. Collision
 * margin: for n objects the chance of any collision is about n² / 2^133, so even 10^12
 * log files (a large organization over decades) give ~10^-16.
 */
export function objectIdOf(bucket: string, key: string): string {
  return createHash('sha256').update(`${bucket}\n${key}`).digest('base64url').slice(0, 22);
}

export class S3EventKeyError extends Error {
  readonly rawKey: string;

  constructor(rawKey: string, options?: { cause?: unknown }) {
    super(`S3 event key is not valid URL encoding: ${rawKey}`, options);
    this.name = 'S3EventKeyError';
    this.rawKey = rawKey;
  }
}

/**
 * The object key of an S3 event notification, which S3 sends URL-encoded with `+` for
 * a space (so a real `+` arrives as `%2B`).
 */
export function decodeS3EventKey(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch (error) {
    throw new S3EventKeyError(raw, { cause: error });
  }
}

/**
 * Reads a CloudTrail log file name (a path is allowed; its last segment is read), for
 * ordering local files by delivery time. `undefined` unless it has CloudTrail's form
 * with a real UTC time.
 *
 * @example
 * ```ts
 * parseLogFileName('218007301253_CloudTrail_us-east-1_20230710T1145Z_7xgocspSowgK0Gto.json');
 * // { account: '218007301253', region: 'us-east-1', deliveryMinute: 28149825 }
 * ```
 */
export function parseLogFileName(fileName: string): { account: string; region: string; deliveryMinute: Minute } | undefined {
  const name = fileName.slice(fileName.lastIndexOf('/') + 1);
  const groups = LOG_NAME.exec(name)?.groups;
  if (groups?.account === undefined || groups.region === undefined || groups.stamp === undefined) return undefined;
  const minute = stampToMinute(groups.stamp);
  // Date.UTC rolls 20231345T9999Z over into a later date; only a stamp that reads back the same is real.
  if (minute === undefined || minuteToStamp(minute) !== groups.stamp) return undefined;
  return { account: groups.account, region: groups.region, deliveryMinute: minute };
}

/** What the key of a CloudTrail digest file says (INSIGHTS-FORMAT.md, "Input"; CloudTrail user guide, "digest file structure"). */
export interface DigestKey {
  key: string;
  location: LogLocation;
  /** The account whose logs it covers (the member account of an organization trail). */
  account: string;
  /** The region whose logs it covers (its private key is that region's). */
  region: string;
  trail: string;
  homeRegion: string;
  /** The digest's end time, from its name, as epoch milliseconds (second precision). */
  endTime: number;
}

/**
 * Reads a digest file key:
 * `[<prefix>/]AWSLogs/[<o-orgid>/]<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/<account>_CloudTrail-Digest_<region>_<trail>_<home-region>_<YYYYMMDDTHHmmssZ>.json.gz`.
 * `undefined` for any other key, or a stamp that is not a real UTC time.
 *
 * @example
 * ```ts
 * parseDigestKey('trail', 'AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/111122223333_CloudTrail-Digest_us-east-2_my-trail_us-east-2_20150817T150131Z.json.gz');
 * // { account: '111122223333', region: 'us-east-2', trail: 'my-trail', homeRegion: 'us-east-2', endTime: 1439823691000, ... }
 * ```
 */
export function parseDigestKey(bucket: string, key: string): DigestKey | undefined {
  const groups = DIGEST_PATH.exec(key)?.groups;
  if (groups === undefined) return undefined;
  const { prefix = '', orgId, account = '', region = '', trail = '', homeRegion = '', stamp = '' } = groups;
  const endTime = Date.UTC(+stamp.slice(0, 4), +stamp.slice(4, 6) - 1, +stamp.slice(6, 8), +stamp.slice(9, 11), +stamp.slice(11, 13), +stamp.slice(13, 15));
  // Date.UTC rolls 20231345T999999Z over into a later date; only a stamp that reads back the same is real.
  if (new Date(endTime).toISOString().replace(/[-:]|\.\d{3}/g, '') !== stamp) return undefined;
  const location: LogLocation = orgId === undefined ? { bucket, prefix } : { bucket, prefix, orgId };
  return { key, location, account, region, trail, homeRegion, endTime };
}
