/**
 * CloudTrail digest files: what they hold, how they are read, and the string their
 * signature covers (CloudTrail user guide, "CloudTrail digest file structure" and "Custom
 * implementations of CloudTrail log file integrity validation"; aws-cli
 * `awscli/customizations/cloudtrail/validation.py` implements the same).
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

/** One log file a digest vouches for. */
export interface DigestLogFile {
  s3Bucket: string;
  s3Object: string;
  /** Hex SHA-256 of the log file's uncompressed bytes. */
  hashValue: string;
  hashAlgorithm: string;
  oldestEventTime?: string;
  newestEventTime?: string;
}

/** The fields of a digest file the validation reads (others are ignored). */
export interface Digest {
  digestStartTime: string;
  digestEndTime: string;
  digestS3Bucket: string;
  digestS3Object: string;
  digestPublicKeyFingerprint: string;
  digestSignatureAlgorithm: string;
  /** `null` in the first digest of a chain (logging or validation was just turned on). */
  previousDigestS3Bucket: string | null;
  previousDigestS3Object: string | null;
  /** Hex SHA-256 of the previous digest's uncompressed bytes. */
  previousDigestHashValue: string | null;
  previousDigestSignature: string | null;
  logFiles: DigestLogFile[];
}

/** A digest as read: its fields and the hash of its uncompressed bytes (part of what is signed). */
export interface LoadedDigest {
  digest: Digest;
  /** Hex SHA-256 of the uncompressed digest file. */
  sha256: string;
}

export type InvalidDigestCode = 'invalid-gzip' | 'truncated-gzip' | 'too-large' | 'invalid-json' | 'wrong-shape';

/** A digest file that cannot be read as one: not gzip, cut short, not JSON, or missing a field. */
export class InvalidDigestError extends Error {
  constructor(
    readonly code: InvalidDigestCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
    this.name = 'InvalidDigestError';
  }
}

/** The only signature algorithm CloudTrail uses; anything else is refused, not guessed at. */
export const DIGEST_SIGNATURE_ALGORITHM = 'SHA256withRSA';
/** Digests list an hour of files: a few KB to a few hundred KB. Anything near this is not one. */
export const MAX_DIGEST_BYTES = 64 * 1024 * 1024;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a digest object's bytes (gzip, as CloudTrail writes them; plain JSON is accepted
 * too, for copies someone decompressed) and checks every field the validation relies on.
 *
 * @throws InvalidDigestError naming what is wrong
 * @example
 * ```ts
 * const { digest, sha256 } = readDigest(await fs.readFile('…_CloudTrail-Digest_…json.gz'));
 * digest.logFiles.length; // the log files delivered in its hour
 * ```
 */
export function readDigest(bytes: Uint8Array): LoadedDigest {
  let json: Buffer;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      json = gunzipSync(bytes, { maxOutputLength: MAX_DIGEST_BYTES });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_BUFFER_TOO_LARGE') throw new InvalidDigestError('too-large', `more than ${MAX_DIGEST_BYTES} bytes decompressed`, { cause: error });
      if (code === 'Z_BUF_ERROR') throw new InvalidDigestError('truncated-gzip', 'gzip data ends early', { cause: error });
      throw new InvalidDigestError('invalid-gzip', (error as Error).message, { cause: error });
    }
  } else {
    json = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch (error) {
    throw new InvalidDigestError('invalid-json', (error as Error).message, { cause: error });
  }
  return { digest: digestFields(parsed), sha256: createHash('sha256').update(json).digest('hex') };
}

function digestFields(value: unknown): Digest {
  if (!isObject(value)) throw new InvalidDigestError('wrong-shape', 'not a JSON object');
  const text = (name: string): string => {
    const field = value[name];
    if (typeof field !== 'string' || field === '') throw new InvalidDigestError('wrong-shape', `${name} is missing or not a string`);
    return field;
  };
  const textOrNull = (name: string): string | null => {
    const field = value[name];
    if (field === null || field === undefined) return null;
    if (typeof field !== 'string') throw new InvalidDigestError('wrong-shape', `${name} is not a string or null`);
    return field;
  };
  const { logFiles } = value;
  if (!Array.isArray(logFiles)) throw new InvalidDigestError('wrong-shape', 'logFiles is missing or not an array');
  return {
    digestStartTime: time(text('digestStartTime'), 'digestStartTime'),
    digestEndTime: time(text('digestEndTime'), 'digestEndTime'),
    digestS3Bucket: text('digestS3Bucket'),
    digestS3Object: text('digestS3Object'),
    digestPublicKeyFingerprint: text('digestPublicKeyFingerprint'),
    digestSignatureAlgorithm: text('digestSignatureAlgorithm'),
    previousDigestS3Bucket: textOrNull('previousDigestS3Bucket'),
    previousDigestS3Object: textOrNull('previousDigestS3Object'),
    previousDigestHashValue: textOrNull('previousDigestHashValue'),
    previousDigestSignature: textOrNull('previousDigestSignature'),
    logFiles: logFiles.map(logFileFields),
  };
}

function logFileFields(value: unknown, index: number): DigestLogFile {
  if (!isObject(value)) throw new InvalidDigestError('wrong-shape', `logFiles[${index}] is not an object`);
  const text = (name: string): string => {
    const field = value[name];
    if (typeof field !== 'string' || field === '') throw new InvalidDigestError('wrong-shape', `logFiles[${index}].${name} is missing or not a string`);
    return field;
  };
  const file: DigestLogFile = { s3Bucket: text('s3Bucket'), s3Object: text('s3Object'), hashValue: text('hashValue'), hashAlgorithm: text('hashAlgorithm') };
  for (const name of ['oldestEventTime', 'newestEventTime'] as const) {
    if (typeof value[name] === 'string') file[name] = value[name];
  }
  return file;
}

function time(text: string, name: string): string {
  if (!Number.isFinite(Date.parse(text))) throw new InvalidDigestError('wrong-shape', `${name} is not a timestamp: ${text}`);
  return text;
}

/**
 * The string a digest's signature covers, byte for byte as CloudTrail signs it:
 * `digestEndTime \n digestS3Bucket/digestS3Object \n hex(SHA-256(uncompressed digest)) \n previousDigestSignature`,
 * the last being the literal `null` in the first digest of a chain (as aws-cli writes it,
 * "to match the Java implementation").
 *
 * @example
 * ```ts
 * signingString(digest, sha256);
 * // '2015-08-17T15:01:31Z\nbucket/AWSLogs/…_20150817T150131Z.json.gz\n4ff08d7c…\n6e8540b8…'
 * ```
 */
export function signingString(digest: Digest, sha256: string): string {
  return `${digest.digestEndTime}\n${digest.digestS3Bucket}/${digest.digestS3Object}\n${sha256}\n${digest.previousDigestSignature ?? 'null'}`;
}
