import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { objectIdOf, parseLogFileName, routeKey, type LogFile } from '../cloudtrail/log-key.js';
import { readRecordBatches } from '../cloudtrail/read-records.js';
import { minuteOf, type Minute } from '../time/minute.js';
import type { ObjectSource } from '../runtime/object-source.js';

/** A log file found for a replay, before it is read. */
export interface TrailFile {
  /** Its path or `s3://` URL, for messages. */
  name: string;
  file: LogFile;
  deliveryMinute: Minute;
  sortKey: string;
  /** The local file, when it is one (decode workers read it themselves). */
  path?: string;
  open(): Promise<AsyncIterable<Uint8Array>>;
}

export interface SkippedFile {
  name: string;
  reason: string;
}

/** A path given on the command line that does not exist: a usage error. */
export class MissingPathError extends Error {
  constructor(readonly path: string) {
    super(`no such file or directory: ${path}`);
    this.name = 'MissingPathError';
  }
}

const LOG_FILE = /\.json(\.gz)?$/;
const LOCAL_BUCKET = 'local';
const UNKNOWN_ACCOUNT = '000000000000';
const UNKNOWN_REGION = 'unknown';

/**
 * Routes a file of a replay. Keys in the AWS layout (`AWSLogs/<acct>/CloudTrail/...`,
 * also under a local directory) are routed exactly as in Lambda: digests and Insights
 * files — our own `--out` output included — are skipped. Files outside that layout are
 * replayed too (archives are often flattened), their account and region taken from the
 * CloudTrail file name when it has one, otherwise from the records themselves.
 */
export function routeTrailFile(bucket: string, key: string): { file: LogFile } | { skip: string } {
  const route = routeKey(bucket, key);
  if (route.kind === 'log') return { file: route.file };
  if (route.reason !== 'foreign') return { skip: route.reason };
  if (/(^|\/)(CloudTrail-Digest|CloudTrail-Insight)\//.test(key)) return { skip: 'not a CloudTrail log file' };
  const named = parseLogFileName(key);
  const file: LogFile = {
    bucket,
    key,
    objectId: objectIdOf(bucket, key),
    account: named?.account ?? UNKNOWN_ACCOUNT,
    region: named?.region ?? UNKNOWN_REGION,
    location: { bucket, prefix: '' },
  };
  if (named) file.deliveryMinute = named.deliveryMinute;
  return { file };
}

/** Every `.json`/`.json.gz` file under the given paths (files or directories, recursively). */
export async function findLocalFiles(paths: readonly string[]): Promise<{ files: TrailFile[]; skipped: SkippedFile[] }> {
  const files: TrailFile[] = [];
  const skipped: SkippedFile[] = [];
  for (const given of paths) {
    const root = resolve(given);
    const info = await stat(root).catch(() => undefined);
    if (info === undefined) throw new MissingPathError(given);
    const isDirectory = info.isDirectory();
    const found = isDirectory ? await walk(root) : [root];
    for (const path of found.sort()) {
      if (!LOG_FILE.test(path)) continue;
      const key = (isDirectory ? relative(root, path) : path.slice(path.lastIndexOf(sep) + 1)).split(sep).join('/');
      const name = isDirectory ? join(given, relative(root, path)) : given;
      const routed = routeTrailFile(LOCAL_BUCKET, key);
      if ('skip' in routed) {
        skipped.push({ name, reason: routed.skip });
        continue;
      }
      // The store's exactly-once key must tell apart equal relative paths under different roots.
      routed.file.objectId = objectIdOf(LOCAL_BUCKET, path);
      files.push({
        name,
        file: routed.file,
        deliveryMinute: routed.file.deliveryMinute ?? Number.NaN,
        sortKey: path,
        path,
        open: async () => createReadStream(path),
      });
    }
  }
  return { files, skipped };
}

async function walk(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const paths: string[] = [];
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) paths.push(...(await walk(path)));
    else if (entry.isFile()) paths.push(path);
  }
  return paths;
}

/** Every object under `s3://bucket/prefix`, read through the same S3 path as Lambda. */
export async function findS3Files(client: S3Client, objects: ObjectSource, url: string): Promise<{ files: TrailFile[]; skipped: SkippedFile[] }> {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match) throw new MissingPathError(url);
  const [, bucket = '', prefix = ''] = match;
  const files: TrailFile[] = [];
  const skipped: SkippedFile[] = [];
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) {
      const key = object.Key!;
      if (!LOG_FILE.test(key) || object.Size === 0) continue;
      const name = `s3://${bucket}/${key}`;
      const routed = routeTrailFile(bucket, key);
      if ('skip' in routed) {
        skipped.push({ name, reason: routed.skip });
        continue;
      }
      files.push({
        name,
        file: routed.file,
        deliveryMinute: routed.file.deliveryMinute ?? Number.NaN,
        sortKey: key,
        open: () => objects.open(bucket, key),
      });
    }
  }
  return { files, skipped };
}

/**
 * Files whose names carry no delivery stamp are delivered at their latest event (a file
 * cannot arrive before its last record), ties broken by their earliest: reading the
 * records keeps a replay deterministic, where modification times would depend on the
 * checkout. Files that cannot be dated (unreadable, no eventTime) are returned apart, to
 * be listed as skipped rather than replayed.
 */
export async function dateUnnamedFiles(
  files: readonly TrailFile[],
  maxDecompressedBytes: number,
): Promise<{ dated: TrailFile[]; failed: SkippedFile[] }> {
  const failed: SkippedFile[] = [];
  const dated: TrailFile[] = [];
  for (const trailFile of files) {
    if (!Number.isNaN(trailFile.deliveryMinute)) {
      dated.push(trailFile);
      continue;
    }
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    try {
      for await (const batch of readRecordBatches(await trailFile.open(), { maxDecompressedBytes, acceptBareArray: true })) {
        for (const record of batch) {
          const minute = typeof record.eventTime === 'string' ? minuteOf(record.eventTime) : undefined;
          if (minute === undefined) continue;
          first = Math.min(first, minute);
          last = Math.max(last, minute);
        }
      }
    } catch (error) {
      failed.push({ name: trailFile.name, reason: (error as Error).message });
      continue;
    }
    if (!Number.isFinite(last)) {
      failed.push({ name: trailFile.name, reason: 'no record with an eventTime' });
      continue;
    }
    dated.push({ ...trailFile, deliveryMinute: last, sortKey: `${String(first).padStart(10, '0')} ${trailFile.sortKey}` });
  }
  return { dated, failed };
}
