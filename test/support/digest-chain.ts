/**
 * Builds CloudTrail trails with digest chains signed by a test key, following the format
 * CloudTrail writes (user guide, "CloudTrail digest file structure" and "Custom
 * implementations of CloudTrail log file integrity validation"): hourly gzip digests
 * under `CloudTrail-Digest/`, each listing the log files delivered in its hour with the
 * SHA-256 of their uncompressed bytes, linked to the previous digest by its key, hash and
 * signature, signed SHA256withRSA over
 * `digestEndTime \n bucket/key \n hex(SHA-256(digest)) \n previousDigestSignature|null`,
 * the hex signature in the object's metadata. The signing string is written out here on
 * purpose rather than taken from lib/: the tests then hold the library to the format.
 *
 * Tampering helpers change a built trail the way an attacker (or an accident) would.
 *
 * @example
 * const trail = buildTrail({ bucket: 'trail', start: Date.UTC(2024, 1, 22, 0, 0, 31), hours: 3 });
 * trail.changeByte(trail.logKeys[1]![0]!);
 * await writeTrailToDirectory(trail, dir); // or putTrailToS3(trail, s3)
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { TrailObjects } from '../../lib/integrity/trail-objects.js';

export interface TestKey {
  privateKey: KeyObject;
  /** PKCS #1 DER, as ListPublicKeys returns it. */
  der: Buffer;
  /** MD5 hex of `der`, as CloudTrail fingerprints its keys. */
  fingerprint: string;
  pem: string;
}

/** A 2048-bit RSA key (about 50-200 ms to generate). */
export function testKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ format: 'der', type: 'pkcs1' });
  return {
    privateKey,
    der,
    fingerprint: createHash('md5').update(der).digest('hex'),
    pem: publicKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
  };
}

export interface StoredTestObject {
  body: Buffer;
  metadata?: Record<string, string>;
}

export interface TrailOptions {
  bucket: string;
  /** Key prefix before `AWSLogs/`, '' or ending in '/'. */
  prefix?: string;
  orgId?: string;
  account?: string;
  region?: string;
  trail?: string;
  homeRegion?: string;
  /** The first digest's start time, epoch ms (give it seconds, as CloudTrail's have). */
  start: number;
  /** Digests (one per hour). */
  hours: number;
  /** Log files per hour, delivered at minutes 5, 25, 45, ... of the hour. */
  filesPerHour?: number;
  key?: TestKey;
  /** Hours (0-based) with no digest and no log file: logging was off; the next digest starts a new chain. */
  offHours?: readonly number[];
  /** The digest the first one links to, elsewhere (the trail's earlier bucket). */
  firstPrevious?: { bucket: string; key: string };
  /** The uncompressed content of log file `n` (1-based); small generated records by default. */
  logBody?: (n: number, deliveredAt: number) => Buffer;
}

export interface BuiltTrail {
  bucket: string;
  key: TestKey;
  objects: Map<string, StoredTestObject>;
  /** Digest keys, oldest first (hours that were off have none). */
  digestKeys: string[];
  /** Log file keys per digest, in the same order. */
  logKeys: string[][];
  /** The log folder `…/CloudTrail/<region>/`. */
  logFolder: string;
  /** The digest JSON as written, per digest key. */
  digestJson(key: string): Record<string, unknown>;
  /** Flips one byte in the middle of a log file's uncompressed content and gzips it again. */
  changeByte(key: string): void;
  delete(key: string): void;
  /** Rewrites a digest's JSON; its metadata signature is left as it was. */
  editDigest(key: string, edit: (json: Record<string, any>) => void): void;
  /** Re-signs a digest with another key; with `claimFingerprint`, the digest also names that key. */
  resignDigest(key: string, other: TestKey, claimFingerprint: boolean): void;
  /** Adds a log file, named as delivered at `minute` (epoch minute), that no digest lists. */
  addUnlistedLogFile(minute: number): string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');
const datePath = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
};
const stamp = (ms: number, seconds: boolean) => {
  const d = new Date(ms);
  const minutes = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}`;
  return seconds ? `${minutes}${pad(d.getUTCSeconds())}Z` : `${minutes}Z`;
};
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const suffix = (n: number) => `t${String(n).padStart(15, '0')}`;

function logFileBody(account: string, region: string, deliveredAt: number, n: number): Buffer {
  const records = Array.from({ length: 3 }, (_, i) => ({
    eventVersion: '1.09',
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${account}:user/alice`, accountId: account },
    eventTime: iso(deliveredAt - (5 - i) * 60_000),
    eventSource: 'ec2.amazonaws.com',
    eventName: i === 0 ? 'RunInstances' : 'DescribeInstances',
    awsRegion: region,
    readOnly: i !== 0,
    eventID: `00000000-0000-4000-8000-${String(n * 10 + i).padStart(12, '0')}`,
    recipientAccountId: account,
  }));
  return Buffer.from(JSON.stringify({ Records: records }));
}

/**
 * Builds the trail: log files and a signed digest chain.
 */
export function buildTrail(options: TrailOptions): BuiltTrail {
  const { bucket, prefix = '', orgId, account = '111122223333', region = 'us-east-1', trail = 'management', homeRegion = region, start, hours } = options;
  const filesPerHour = options.filesPerHour ?? 3;
  const key = options.key ?? testKey();
  const root = `${prefix}AWSLogs/${orgId ? `${orgId}/` : ''}${account}`;
  const logFolder = `${root}/CloudTrail/${region}/`;
  const objects = new Map<string, StoredTestObject>();
  const digestKeys: string[] = [];
  const logKeys: string[][] = [];
  const json = new Map<string, Record<string, unknown>>();
  let counter = 0;
  let previous: { bucket?: string; key: string; sha: string; signature: string } | undefined = options.firstPrevious && {
    ...options.firstPrevious,
    sha: '0'.repeat(64),
    signature: 'ab'.repeat(256),
  };

  const signDigest = (digestKey: string, content: Record<string, unknown>, privateKey: KeyObject) => {
    const bytes = Buffer.from(JSON.stringify(content));
    const sha = sha256(bytes);
    // The signing string, exactly: end time, bucket/key, digest hash, previous signature or 'null'.
    const toSign = `${String(content.digestEndTime)}\n${bucket}/${digestKey}\n${sha}\n${String(content.previousDigestSignature ?? 'null')}`;
    const signature = sign('sha256', Buffer.from(toSign, 'utf8'), privateKey).toString('hex');
    objects.set(digestKey, { body: gzipSync(bytes), metadata: { signature, 'signature-algorithm': 'SHA256withRSA' } });
    json.set(digestKey, content);
    return { sha, signature };
  };

  for (let hour = 0; hour < hours; hour++) {
    const windowStart = start + hour * 3_600_000;
    const windowEnd = windowStart + 3_600_000;
    if (options.offHours?.includes(hour)) {
      previous = undefined;
      continue;
    }
    const files = Array.from({ length: filesPerHour }, (_, i) => {
      const deliveredAt = windowStart + (5 + 20 * i) * 60_000;
      const logKey = `${logFolder}${datePath(deliveredAt)}/${account}_CloudTrail_${region}_${stamp(deliveredAt, false)}_${suffix(++counter)}.json.gz`;
      const uncompressed = options.logBody?.(counter, deliveredAt) ?? logFileBody(account, region, deliveredAt, counter);
      objects.set(logKey, { body: gzipSync(uncompressed) });
      return {
        s3Bucket: bucket,
        s3Object: logKey,
        hashValue: sha256(uncompressed),
        hashAlgorithm: 'SHA-256',
        newestEventTime: iso(deliveredAt - 3 * 60_000),
        oldestEventTime: iso(deliveredAt - 5 * 60_000),
      };
    });
    const digestKey = `${root}/CloudTrail-Digest/${region}/${datePath(windowEnd)}/${account}_CloudTrail-Digest_${region}_${trail}_${homeRegion}_${stamp(windowEnd, true)}.json.gz`;
    const content: Record<string, unknown> = {
      awsAccountId: account,
      digestStartTime: iso(windowStart),
      digestEndTime: iso(windowEnd),
      digestS3Bucket: bucket,
      digestS3Object: digestKey,
      digestPublicKeyFingerprint: key.fingerprint,
      digestSignatureAlgorithm: 'SHA256withRSA',
      newestEventTime: files.at(-1)?.newestEventTime ?? null,
      oldestEventTime: files[0]?.oldestEventTime ?? null,
      previousDigestS3Bucket: previous ? (previous.bucket ?? bucket) : null,
      previousDigestS3Object: previous?.key ?? null,
      previousDigestHashValue: previous?.sha ?? null,
      previousDigestHashAlgorithm: previous ? 'SHA-256' : null,
      previousDigestSignature: previous?.signature ?? null,
      logFiles: files,
    };
    const signed = signDigest(digestKey, content, key.privateKey);
    previous = { key: digestKey, ...signed };
    digestKeys.push(digestKey);
    logKeys.push(files.map((file) => file.s3Object));
  }

  const mustGet = (objectKey: string) => {
    const object = objects.get(objectKey);
    if (!object) throw new Error(`no object ${objectKey} in the built trail`);
    return object;
  };
  return {
    bucket,
    key,
    objects,
    digestKeys,
    logKeys,
    logFolder,
    digestJson: (digestKey) => structuredClone(json.get(digestKey)!),
    changeByte(logKey) {
      const bytes = gunzipSync(mustGet(logKey).body);
      const at = Math.floor(bytes.length / 2);
      bytes[at] = bytes[at] === 0x61 ? 0x62 : 0x61;
      objects.set(logKey, { body: gzipSync(bytes) });
    },
    delete(objectKey) {
      mustGet(objectKey);
      objects.delete(objectKey);
    },
    editDigest(digestKey, edit) {
      const object = mustGet(digestKey);
      const content = structuredClone(json.get(digestKey)!) as Record<string, any>;
      edit(content);
      json.set(digestKey, content);
      objects.set(digestKey, { body: gzipSync(Buffer.from(JSON.stringify(content))), ...(object.metadata && { metadata: object.metadata }) });
    },
    resignDigest(digestKey, other, claimFingerprint) {
      const content = structuredClone(json.get(digestKey)!);
      if (claimFingerprint) content.digestPublicKeyFingerprint = other.fingerprint;
      signDigest(digestKey, content, other.privateKey);
    },
    addUnlistedLogFile(minute) {
      const at = minute * 60_000;
      const logKey = `${logFolder}${datePath(at)}/${account}_CloudTrail_${region}_${stamp(at, false)}_${suffix(++counter)}.json.gz`;
      objects.set(logKey, { body: gzipSync(logFileBody(account, region, at, counter)) });
      return logKey;
    },
  };
}

/** Writes the trail as `aws s3 sync` would: same layout, no metadata (`strip`: a key prefix synced from, left out). */
export function writeTrailToDirectory(trail: BuiltTrail, directory: string, strip = ''): void {
  for (const [key, object] of trail.objects) {
    const path = join(directory, ...key.slice(key.startsWith(strip) ? strip.length : 0).split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, object.body);
  }
}

/** Uploads the trail, digest signatures in the objects' metadata (`x-amz-meta-signature`). */
export async function putTrailToS3(trail: BuiltTrail, s3: S3Client): Promise<void> {
  for (const [key, object] of trail.objects) {
    await s3.send(new PutObjectCommand({ Bucket: trail.bucket, Key: key, Body: object.body, ...(object.metadata && { Metadata: object.metadata }) }));
  }
}

/** The built trail as an S3 bucket would serve it (metadata included), in memory: for unit tests. */
export function memoryTrailObjects(trail: BuiltTrail): TrailObjects {
  return {
    name: `s3://${trail.bucket}/`,
    hasMetadata: true,
    async *list(prefix: string) {
      for (const key of trail.objects.keys()) if (key.startsWith(prefix)) yield key;
    },
    async open(bucket: string, key: string) {
      const object = bucket === trail.bucket ? trail.objects.get(key) : undefined;
      if (!object) return undefined;
      return {
        body: (async function* () {
          yield object.body;
        })(),
        ...(object.metadata?.signature !== undefined && { signature: object.metadata.signature }),
        ...(object.metadata?.['signature-algorithm'] !== undefined && { signatureAlgorithm: object.metadata['signature-algorithm'] }),
      };
    },
    where: (bucket: string, key: string) => `s3://${bucket}/${key}`,
  };
}
