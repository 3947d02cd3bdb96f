/**
 * The two checks every validation is made of, shared by the CLI's chain walk and the
 * stack's per-digest validation: one digest file, and one log file it lists.
 */
import { buffer } from 'node:stream/consumers';
import { isMalformedLogFileError } from '../cloudtrail/malformed-log-file-error.js';
import { parseDigestKey } from '../cloudtrail/log-key.js';
import { InvalidDigestError, readDigest, type DigestLogFile, type LoadedDigest } from './digest.js';
import { logFileSha256 } from './log-hash.js';
import type { PublicKeySource } from './public-keys.js';
import { signatureProblem } from './signature.js';
import type { TrailObjects } from './trail-objects.js';

export type DigestStatus = 'valid' | 'invalid' | 'missing' | 'unverified';

export interface DigestCheck {
  status: DigestStatus;
  /** Why it is not valid; for `unverified`, why the signature could not be checked. */
  reason?: string;
  loaded?: LoadedDigest;
  /** The signature that was checked (from S3 metadata or the next digest), for the link to the next one. */
  signature?: string;
  /** Maps a key the digest names to this source's key space (a copy on disk keeps the layout, not the prefix). */
  toSource?: (key: string) => string;
}

export interface CheckDigestInput {
  objects: TrailObjects;
  bucket: string;
  /** The digest's key in the source's key space. */
  key: string;
  /** The signature to check: S3 metadata, or else the next digest's `previousDigestSignature`. */
  signature?: string;
  /** `undefined`: signatures are not checked (no key source given). */
  keys?: PublicKeySource;
  signal?: AbortSignal;
}

/** Bytes a digest may have before it is refused unread (they are kilobytes). */
const MAX_DIGEST_OBJECT_BYTES = 16 * 1024 * 1024;

/**
 * Reads and checks one digest file: its format, that it sits where CloudTrail put it (the
 * path it names for itself), and its signature.
 *
 * @example
 * ```ts
 * const check = await checkDigest({ objects, bucket, key, keys });
 * if (check.status === 'invalid') console.log(check.reason); // 'signature verification failed'
 * ```
 */
export async function checkDigest(input: CheckDigestInput): Promise<DigestCheck> {
  const { objects, bucket, key } = input;
  const object = await objects.open(bucket, key, input.signal);
  if (object === undefined) return { status: 'missing', reason: 'not found' };
  const bytes = await buffer(capped(object.body, MAX_DIGEST_OBJECT_BYTES)).catch((error: unknown) => {
    if (error instanceof InvalidDigestError) return error;
    throw error;
  });
  if (bytes instanceof InvalidDigestError) return { status: 'invalid', reason: bytes.message };
  let loaded: LoadedDigest;
  try {
    loaded = readDigest(bytes);
  } catch (error) {
    if (error instanceof InvalidDigestError) return { status: 'invalid', reason: `invalid format (${error.message})` };
    throw error;
  }
  const { digest } = loaded;
  const here = parseDigestKey(bucket, key);
  const named = parseDigestKey(digest.digestS3Bucket, digest.digestS3Object);
  // A copy on disk keeps the layout below the prefix; S3 must match exactly, bucket included.
  const moved = objects.hasMetadata
    ? digest.digestS3Bucket !== bucket || digest.digestS3Object !== key
    : here === undefined || named === undefined || key.slice(here.location.prefix.length) !== digest.digestS3Object.slice(named.location.prefix.length);
  if (moved || named === undefined || here === undefined) {
    return { status: 'invalid', reason: `has been moved from its original location (it names s3://${digest.digestS3Bucket}/${digest.digestS3Object})`, loaded };
  }
  const toSource = (ref: string): string => (ref.startsWith(named.location.prefix) ? here.location.prefix + ref.slice(named.location.prefix.length) : ref);
  const signature = input.signature ?? object.signature;
  const base = { loaded, toSource, ...(signature !== undefined && { signature }) };
  if (signature === undefined) {
    // CloudTrail always writes the metadata: in S3 its absence means the object was rewritten.
    if (objects.hasMetadata) return { ...base, status: 'invalid', reason: 'no signature in the object metadata (x-amz-meta-signature): rewritten after delivery' };
    return { ...base, status: 'unverified', reason: 'no signature: a copy without S3 metadata, and no later digest vouches for it' };
  }
  if (object.signatureAlgorithm !== undefined && object.signatureAlgorithm !== digest.digestSignatureAlgorithm) {
    return { ...base, status: 'invalid', reason: `signature algorithm ${object.signatureAlgorithm} in metadata, ${digest.digestSignatureAlgorithm} in the digest` };
  }
  if (input.keys === undefined) return { ...base, status: 'unverified', reason: 'no public key to verify the signature with (--public-key)' };
  const end = Date.parse(digest.digestEndTime);
  const keys = await input.keys.keysFor(here.region, new Date(end - 3_600_000), new Date(end + 3_600_000));
  const problem = signatureProblem(digest, loaded.sha256, signature, keys);
  return problem === undefined ? { ...base, status: 'valid' } : { ...base, status: 'invalid', reason: problem };
}

/** Why `check`'s digest is not the one `next` links to, if it is not. */
export function brokenLink(check: DigestCheck, next: DigestCheck): string | undefined {
  const link = next.loaded?.digest;
  if (check.loaded === undefined || link === undefined) return undefined;
  if (link.previousDigestHashValue !== null && link.previousDigestHashValue.toLowerCase() !== check.loaded.sha256) {
    return `its hash does not match previousDigestHashValue of the next digest (changed after the next digest was written)`;
  }
  if (check.signature !== undefined && link.previousDigestSignature !== null && link.previousDigestSignature.toLowerCase() !== check.signature.toLowerCase()) {
    return 'its signature does not match previousDigestSignature of the next digest';
  }
  return undefined;
}

export type LogFileStatus = 'valid' | 'modified' | 'deleted';

export interface LogFileCheck {
  status: LogFileStatus;
  reason?: string;
}

/**
 * Hashes one listed log file (streaming, uncompressed) against the digest's `hashValue`.
 * Content that cannot be inflated is `modified`: CloudTrail always writes valid gzip.
 *
 * @example
 * ```ts
 * await checkLogFile(objects, 'trail-bucket', key, entry, { maxDecompressedBytes }); // { status: 'valid' }
 * ```
 */
export async function checkLogFile(
  objects: TrailObjects,
  bucket: string,
  key: string,
  entry: DigestLogFile,
  options: { maxDecompressedBytes: number; signal?: AbortSignal },
): Promise<LogFileCheck> {
  if (entry.hashAlgorithm !== 'SHA-256') return { status: 'modified', reason: `unsupported hash algorithm ${entry.hashAlgorithm} in the digest` };
  const object = await objects.open(bucket, key, options.signal);
  if (object === undefined) return { status: 'deleted', reason: 'not found' };
  let hash: string;
  try {
    hash = await logFileSha256(object.body, options);
  } catch (error) {
    if (isMalformedLogFileError(error)) return { status: 'modified', reason: `unreadable (${error.message})` };
    throw error;
  }
  if (hash === entry.hashValue.toLowerCase()) return { status: 'valid' };
  return { status: 'modified', reason: `hash value doesn't match (digest ${entry.hashValue}, file ${hash})` };
}

async function* capped(body: AsyncIterable<Uint8Array>, max: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > max) throw new InvalidDigestError('too-large', `more than ${max} bytes`);
    yield chunk;
  }
}
