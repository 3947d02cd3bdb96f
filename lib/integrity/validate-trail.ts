/**
 * Validates a whole trail, or part of it: every digest chain, each digest's signature and
 * link to the next, every listed log file's hash, and the log files no digest lists.
 *
 * The walk follows aws-cli's `DigestTraverser` (awscli/customizations/cloudtrail/validation.py):
 * from the newest digest of a chain backwards along `previousDigestS3Object`; a digest
 * that is absent is `missing` and the walk resumes at the next older digest present; a
 * digest with no previous one while older ones exist marks a gap (logging or validation
 * was off). Beyond aws-cli, the link itself is checked (the next digest's
 * `previousDigestHashValue` and `previousDigestSignature` must match), digests no chain
 * reaches are reported, as are log files present that no digest lists; and a copy on disk
 * (no S3 metadata) still has every signature but the newest checked, from the next
 * digest's `previousDigestSignature` (CloudTrail user guide, "Validating digest and log
 * files offline").
 */
import { parseDigestKey, parseLogFileName, type DigestKey } from '../cloudtrail/log-key.js';
import { forEachBounded } from '../async/bounded.js';
import { brokenLink, checkDigest, checkLogFile, type DigestCheck, type DigestStatus, type LogFileStatus } from './checks.js';
import { coverage, type Window } from './coverage.js';
import type { PublicKeySource } from './public-keys.js';
import type { TrailObjects } from './trail-objects.js';

export interface ValidateTrailOptions {
  objects: TrailObjects;
  /** S3 bucket of the source (ignored for a directory). */
  bucket: string;
  /** Key prefix to search under (`s3://bucket/prefix`); '' for a whole bucket or directory. */
  prefix: string;
  /** Digest signatures are checked with these keys; `undefined` checks none. */
  keys?: PublicKeySource;
  /** Digests ending from this time (epoch ms), as `aws cloudtrail validate-logs --start-time`. */
  since?: number;
  /** ... until this time, plus the hour whose digest lists files delivered before it. */
  until?: number;
  account?: string;
  region?: string;
  maxDecompressedBytes: number;
  /** Log files hashed at once. */
  concurrency?: number;
  /** Called as each result is known, for progress. */
  onResult?: (result: DigestResult | LogFileResult) => void;
}

export interface DigestResult {
  kind: 'digest';
  where: string;
  chain: string;
  /** From the key: epoch ms. */
  endTime: number;
  status: DigestStatus;
  reason?: string;
}

export type LogFileResultStatus = LogFileStatus | 'unlisted';

export interface LogFileResult {
  kind: 'log';
  where: string;
  status: LogFileResultStatus;
  reason?: string;
}

export interface Gap {
  chain: string;
  /** ISO times: the end of the digest before, the start of the digest after. */
  from: string;
  to: string;
  /** The chain goes on in another bucket (the trail's bucket changed): the digest it links to there, not validated. */
  continuesIn?: string;
}

export interface ValidationReport {
  source: string;
  digests: DigestResult[];
  logFiles: LogFileResult[];
  gaps: Gap[];
  /** Log files present outside every stretch of digests (after the newest, in gaps): not judged. */
  notCovered: string[];
  /** Earliest start and latest end of the digests read, ISO. */
  found?: { from: string; to: string };
}

const HOUR_MS = 3_600_000;

/** Digests of one trail, account and region: one chain (possibly broken into several). */
const chainOf = (key: DigestKey): string =>
  `${key.location.prefix}AWSLogs/${key.location.orgId ? `${key.location.orgId}/` : ''}${key.account} ${key.region} ${key.trail} (home ${key.homeRegion})`;

/** The folder of an account-region's log files, in the source's key space. */
const logFolderOf = (key: DigestKey): string =>
  `${key.location.prefix}AWSLogs/${key.location.orgId ? `${key.location.orgId}/` : ''}${key.account}/CloudTrail/${key.region}/`;

/**
 * @example
 * ```ts
 * const report = await validateTrail({ objects: new S3TrailObjects(s3, 'trail-bucket'), bucket: 'trail-bucket', prefix: '',
 *   keys: new CloudTrailPublicKeys(), maxDecompressedBytes: 1024 ** 3 });
 * isAllValid(report); // false when any file was modified, deleted, unlisted, or a digest is invalid or missing
 * ```
 */
export async function validateTrail(options: ValidateTrailOptions): Promise<ValidationReport> {
  const { objects, bucket } = options;
  const report: ValidationReport = { source: objects.name, digests: [], logFiles: [], gaps: [], notCovered: [] };
  const chains = new Map<string, DigestKey[]>();
  const logKeys: string[] = [];
  for await (const key of objects.list(options.prefix)) {
    const digestKey = parseDigestKey(bucket, key);
    if (digestKey === undefined) {
      if (/\/CloudTrail\//.test(key) && parseLogFileName(key) !== undefined) logKeys.push(key);
      continue;
    }
    if (options.account !== undefined && digestKey.account !== options.account) continue;
    if (options.region !== undefined && digestKey.region !== options.region) continue;
    if (options.since !== undefined && digestKey.endTime < options.since) continue;
    if (options.until !== undefined && digestKey.endTime > options.until + HOUR_MS) continue;
    const chain = chainOf(digestKey);
    chains.set(chain, [...(chains.get(chain) ?? []), digestKey]);
  }

  const record = <T extends DigestResult | LogFileResult>(list: T[], result: T) => {
    list.push(result);
    options.onResult?.(result);
  };
  const listedByFolder = new Map<string, Set<string>>();
  const windowsByFolder = new Map<string, Window[]>();
  let foundFrom = Infinity;
  let foundTo = -Infinity;

  for (const [chain, keys] of [...chains].sort(([a], [b]) => (a < b ? -1 : 1))) {
    keys.sort((a, b) => a.endTime - b.endTime);
    const byKey = new Map(keys.map((key) => [key.key, key]));
    const visited = new Set<string>();
    const folder = logFolderOf(keys[0]!);
    const listed = listedByFolder.get(folder) ?? new Set<string>();
    listedByFolder.set(folder, listed);
    const windows = windowsByFolder.get(folder) ?? [];
    windowsByFolder.set(folder, windows);
    const olderThan = (time: number) => [...keys].reverse().find((key) => key.endTime < time && !visited.has(key.key));
    const digestResult = (key: DigestKey, status: DigestStatus, reason?: string): DigestResult => ({
      kind: 'digest',
      where: objects.where(bucket, key.key),
      chain,
      endTime: key.endTime,
      status,
      ...(reason !== undefined && { reason }),
    });

    let cursor: { key: DigestKey; next?: DigestCheck } | undefined = { key: keys.at(-1)! };
    while (cursor !== undefined) {
      const { key, next } = cursor;
      visited.add(key.key);
      const vouched = next?.loaded?.digest.previousDigestSignature ?? undefined;
      const check = await checkDigest({
        objects,
        bucket,
        key: key.key,
        ...(!objects.hasMetadata && vouched !== undefined && { signature: vouched }),
        ...(options.keys && { keys: options.keys }),
      });
      const linkProblem = next === undefined ? undefined : brokenLink(check, next);
      const status: DigestStatus = check.status === 'missing' || check.status === 'invalid' ? check.status : linkProblem ? 'invalid' : check.status;
      const reason =
        check.status === 'missing' ? 'not found (a later digest links to it)' : [check.status === 'invalid' ? check.reason : undefined, linkProblem].filter(Boolean).join('; ') || check.reason;
      record(report.digests, digestResult(key, status, reason));

      const loaded = check.loaded;
      if (loaded !== undefined && (status === 'valid' || status === 'unverified')) {
        const { digest } = loaded;
        const start = Date.parse(digest.digestStartTime);
        const end = Date.parse(digest.digestEndTime);
        windows.push({ start, end });
        foundFrom = Math.min(foundFrom, start);
        foundTo = Math.max(foundTo, end);
        const toSource = check.toSource ?? ((ref: string) => ref);
        for (const file of digest.logFiles) listed.add(toSource(file.s3Object));
        await forEachBounded(digest.logFiles, options.concurrency ?? 4, async (file) => {
          const sourceKey = toSource(file.s3Object);
          const result = await checkLogFile(objects, file.s3Bucket, sourceKey, file, { maxDecompressedBytes: options.maxDecompressedBytes });
          record(report.logFiles, { kind: 'log', where: objects.where(file.s3Bucket, sourceKey), ...result });
        });
      }

      // Where the walk goes next.
      cursor = undefined;
      const previous = loaded?.digest.previousDigestS3Object;
      if (loaded === undefined || status === 'invalid' || status === 'missing') {
        const older = olderThan(key.endTime);
        if (older) cursor = { key: older };
      } else if (previous === null || previous === undefined) {
        const older = olderThan(Date.parse(loaded.digest.digestStartTime) + 1_000);
        if (older) {
          report.gaps.push({ chain, from: new Date(older.endTime).toISOString().replace('.000', ''), to: loaded.digest.digestStartTime });
          cursor = { key: older };
        }
      } else if (objects.hasMetadata && (loaded.digest.previousDigestS3Bucket ?? bucket) !== bucket) {
        // As aws-cli follows a chain into the trail's earlier bucket; here one source is read, so the walk stops and says where it would go.
        const elsewhere = parseDigestKey(loaded.digest.previousDigestS3Bucket!, previous);
        report.gaps.push({
          chain,
          from: elsewhere ? new Date(elsewhere.endTime).toISOString().replace('.000', '') : loaded.digest.digestStartTime,
          to: loaded.digest.digestStartTime,
          continuesIn: objects.where(loaded.digest.previousDigestS3Bucket!, previous),
        });
        const older = olderThan(key.endTime);
        if (older) cursor = { key: older };
      } else {
        const previousKey = parseDigestKey(bucket, (check.toSource ?? ((ref: string) => ref))(previous));
        if (previousKey === undefined) {
          const older = olderThan(key.endTime);
          if (older) cursor = { key: older };
        } else if (options.since === undefined || previousKey.endTime >= options.since) {
          if (byKey.has(previousKey.key)) cursor = { key: byKey.get(previousKey.key)!, next: check };
          else {
            visited.add(previousKey.key);
            record(report.digests, digestResult(previousKey, 'missing', 'not found (a later digest links to it)'));
            const older = olderThan(previousKey.endTime);
            if (older) cursor = { key: older };
          }
        }
      }
    }
    for (const key of keys) {
      if (visited.has(key.key)) continue;
      // Only a digest a later one skips over gets here: not part of the chain CloudTrail wrote.
      record(report.digests, digestResult(key, 'invalid', 'not in the chain: no later digest links to it'));
    }
  }

  for (const [folder, listed] of listedByFolder) {
    const inFolder = logKeys.filter((key) => key.startsWith(folder));
    const { unlisted, notCovered } = coverage(inFolder, listed, windowsByFolder.get(folder) ?? []);
    for (const key of unlisted) {
      record(report.logFiles, { kind: 'log', where: objects.where(bucket, key), status: 'unlisted', reason: 'present, but no digest lists it' });
    }
    report.notCovered.push(...notCovered.map((key) => objects.where(bucket, key)));
  }
  if (Number.isFinite(foundFrom)) report.found = { from: new Date(foundFrom).toISOString(), to: new Date(foundTo).toISOString() };
  return report;
}

/** Whether the report has nothing invalid, modified, deleted, missing or unlisted (gaps and unverified signatures aside). */
export function isAllValid(report: ValidationReport): boolean {
  return report.digests.every((d) => d.status === 'valid' || d.status === 'unverified') && report.logFiles.every((f) => f.status === 'valid');
}
