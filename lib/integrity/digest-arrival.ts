/**
 * The stack's validation of one digest as it lands (hourly per trail, account and region):
 * the digest itself, its link to the previous one, every log file it lists, and the log
 * files delivered in its hour that it does not list. Whatever fails becomes one alert,
 * with each file and whether the engine had counted it.
 *
 * Each digest is checked against its predecessor only; the walk back through history is
 * the CLI's (`trail-insights validate`). A chain that restarts (no previous digest) after
 * digests were seen is a gap; a digest that never comes is found by `findOverdueDigests`.
 */
import { objectIdOf, parseDigestKey, type DigestKey } from '../cloudtrail/log-key.js';
import { readRecordBatches } from '../cloudtrail/read-records.js';
import type { Logger } from '../log/logger.js';
import { forEachBounded } from '../async/bounded.js';
import type { Store } from '../store/store.js';
import { minuteOf, type Minute } from '../time/minute.js';
import { integrityAlert, type AlertPublisher, type EngineCount, type Finding, type IntegrityAlert } from './alert.js';
import type { ChainWatch } from './chain-watch.js';
import { brokenLink, checkDigest, checkLogFile, type DigestCheck } from './checks.js';
import { coverage, DELIVERY_MARGIN_MS } from './coverage.js';
import type { DigestLogFile } from './digest.js';
import type { PublicKeySource } from './public-keys.js';
import type { TrailObjects } from './trail-objects.js';

export interface IntegrityDeps {
  /** The trail bucket's objects (read access to `CloudTrail/` and `CloudTrail-Digest/` only). */
  objectsIn(bucket: string): TrailObjects;
  keys: PublicKeySource;
  /** The engine's store, asked whether it counted a file. */
  store: Pick<Store, 'hasCounts' | 'readQuarantine'>;
  chains: ChainWatch;
  alerts: AlertPublisher;
  log: Logger;
  maxDecompressedBytes: number;
  /** Epoch ms. */
  now(): number;
}

/** `<prefix>AWSLogs/[<org>/]<account>/<region>/<trail>`: one chain of digests. */
export const chainIdOf = (key: DigestKey): string =>
  `${key.location.prefix}AWSLogs/${key.location.orgId ? `${key.location.orgId}/` : ''}${key.account}/${key.region}/${key.trail}`;

const logFolderOf = (key: DigestKey): string =>
  `${key.location.prefix}AWSLogs/${key.location.orgId ? `${key.location.orgId}/` : ''}${key.account}/CloudTrail/${key.region}/`;

const DAY_MS = 86_400_000;
const datePath = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, '/');

/**
 * Validates a digest that just arrived and publishes an alert when anything fails.
 * Returns the alert (or `undefined`: all valid, or not a digest key).
 *
 * @example
 * ```ts
 * await validateArrivedDigest(deps, 'trail-bucket', 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/02/22/…_20240222T010031Z.json.gz');
 * ```
 */
export async function validateArrivedDigest(deps: IntegrityDeps, bucket: string, key: string, signal?: AbortSignal): Promise<IntegrityAlert | undefined> {
  const parsed = parseDigestKey(bucket, key);
  if (parsed === undefined) {
    deps.log.debug('not a digest key; skipped', { bucket, key });
    return undefined;
  }
  const objects = deps.objectsIn(bucket);
  const findings: Finding[] = [];
  const check = await checkDigest({ objects, bucket, key, keys: deps.keys, ...(signal && { signal }) });
  const context = { account: parsed.account, region: parsed.region, trail: parsed.trail, digest: { bucket, key } };
  if (check.status === 'missing') findings.push({ kind: 'digest-missing', bucket, key, reason: 'announced, but gone before it could be read' });
  if (check.status === 'invalid' || check.loaded === undefined) {
    if (check.status !== 'missing') findings.push({ kind: 'digest-invalid', bucket, key, reason: check.reason ?? 'invalid' });
    return publish(deps, integrityAlert(context, findings));
  }
  const { digest } = check.loaded;
  const start = Date.parse(digest.digestStartTime);
  const end = Date.parse(digest.digestEndTime);
  Object.assign(context.digest, { startTime: digest.digestStartTime, endTime: digest.digestEndTime });

  // The link back.
  const chain = chainIdOf(parsed);
  let previous: DigestCheck | undefined;
  if (digest.previousDigestS3Object === null) {
    const known = await deps.chains.read(chain);
    if (known !== undefined && known.lastEndTime < start) {
      findings.push({
        kind: 'chain-gap',
        bucket,
        key,
        reason: `the chain starts again: no digest from ${new Date(known.lastEndTime).toISOString()} (${known.lastKey}) to ${digest.digestStartTime}; logging or log file validation was off`,
      });
    }
  } else if ((digest.previousDigestS3Bucket ?? bucket) !== bucket) {
    // The trail's bucket changed: the earlier bucket is outside this function's role.
    deps.log.info('previous digest in another bucket; link not checked', { bucket, key, previous: `s3://${digest.previousDigestS3Bucket}/${digest.previousDigestS3Object}` });
  } else {
    const previousBucket = bucket;
    previous = await checkDigest({ objects: deps.objectsIn(previousBucket), bucket: previousBucket, key: digest.previousDigestS3Object, keys: deps.keys, ...(signal && { signal }) });
    const where = { bucket: previousBucket, key: digest.previousDigestS3Object };
    if (previous.status === 'missing') findings.push({ kind: 'digest-missing', ...where, reason: `deleted: the digest after it (${key}) links to it` });
    else {
      const problem = previous.status === 'invalid' ? previous.reason : brokenLink(previous, check);
      if (problem !== undefined) findings.push({ kind: 'digest-invalid', ...where, reason: problem ?? 'invalid' });
    }
  }

  // The log files it lists.
  await forEachBounded(digest.logFiles, 4, async (file) => {
    const result = await checkLogFile(deps.objectsIn(file.s3Bucket), file.s3Bucket, file.s3Object, file, { maxDecompressedBytes: deps.maxDecompressedBytes, ...(signal && { signal }) });
    if (result.status === 'valid') return;
    const engine = await engineCount(deps, file.s3Bucket, file.s3Object, parsed, listedRange(file), result.status === 'modified');
    findings.push({ kind: result.status === 'deleted' ? 'log-file-deleted' : 'log-file-modified', bucket: file.s3Bucket, key: file.s3Object, reason: result.reason ?? result.status, engine });
  });

  // The log files delivered in its hour that it does not list (the previous digest's list
  // counts too: a file named just before the boundary may be delivered into either).
  const trusted = previous?.status === 'valid' && previous.loaded !== undefined ? previous.loaded.digest : undefined;
  const listed = new Set([...digest.logFiles, ...(trusted?.logFiles ?? [])].map((file) => file.s3Object));
  const from = trusted ? start - DELIVERY_MARGIN_MS : start;
  const present: string[] = [];
  for (let day = Math.floor(from / DAY_MS) * DAY_MS; day <= end; day += DAY_MS) {
    for await (const logKey of objects.list(`${logFolderOf(parsed)}${datePath(day)}/`)) present.push(logKey);
  }
  const windows = [{ start: trusted ? Date.parse(trusted.digestStartTime) : start, end }];
  for (const logKey of coverage(present, listed, windows, from).unlisted) {
    const engine = await engineCount(deps, bucket, logKey, parsed, await eventRange(objects, bucket, logKey, deps.maxDecompressedBytes), false);
    findings.push({ kind: 'log-file-unlisted', bucket, key: logKey, reason: `delivered in ${digest.digestStartTime}..${digest.digestEndTime} but in no digest`, engine });
  }

  await deps.chains.record({ chain, account: parsed.account, region: parsed.region, trail: parsed.trail, bucket, lastKey: key, lastEndTime: end });
  deps.log.info('digest validated', { bucket, key, logFiles: digest.logFiles.length, findings: findings.length });
  return findings.length === 0 ? undefined : publish(deps, integrityAlert(context, findings));
}

async function publish(deps: IntegrityDeps, alert: IntegrityAlert): Promise<IntegrityAlert> {
  deps.log.warn('integrity alert', { alertId: alert.alertId, summary: alert.summary });
  await deps.alerts.publish(alert);
  return alert;
}

/** The minutes a listed file's records span, by the digest. */
function listedRange(file: DigestLogFile): [Minute, Minute] | undefined {
  const oldest = file.oldestEventTime === undefined ? undefined : minuteOf(file.oldestEventTime);
  const newest = file.newestEventTime === undefined ? undefined : minuteOf(file.newestEventTime);
  return oldest === undefined || newest === undefined ? undefined : [oldest, newest];
}

/** The minutes a file's records span as it is now, or `undefined` when it cannot be read. */
async function eventRange(objects: TrailObjects, bucket: string, key: string, maxDecompressedBytes: number): Promise<[Minute, Minute] | undefined> {
  const object = await objects.open(bucket, key);
  if (object === undefined) return undefined;
  let first = Infinity;
  let last = -Infinity;
  try {
    for await (const batch of readRecordBatches(object.body, { maxDecompressedBytes })) {
      for (const record of batch) {
        const minute = typeof record.eventTime === 'string' ? minuteOf(record.eventTime) : undefined;
        if (minute === undefined) continue;
        first = Math.min(first, minute);
        last = Math.max(last, minute);
      }
    }
  } catch {
    // Unreadable: the engine quarantined it or never counted it; the quarantine tells.
  }
  return Number.isFinite(first) ? [first, last] : undefined;
}

/**
 * Whether the engine counted a file: its quarantine record, else counts stored under its
 * object id (as ingest names it) in the minutes its records span, by the digest and,
 * for a modified file, by its present content.
 */
async function engineCount(deps: IntegrityDeps, bucket: string, key: string, digestKey: DigestKey, range: [Minute, Minute] | undefined, readContent: boolean): Promise<EngineCount> {
  const objectId = objectIdOf(bucket, key);
  if ((await deps.store.readQuarantine(objectId)) !== undefined) return 'quarantined';
  const ranges = [range, readContent ? await eventRange(deps.objectsIn(bucket), bucket, key, deps.maxDecompressedBytes) : undefined].filter(
    (r): r is [Minute, Minute] => r !== undefined,
  );
  for (const [from, to] of ranges) {
    if (await deps.store.hasCounts(objectId, digestKey.account, digestKey.region, from, to)) return 'counted';
  }
  return 'not-counted';
}
