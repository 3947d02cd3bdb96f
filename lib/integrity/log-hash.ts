import { createHash } from 'node:crypto';
import { decompressedChunks } from '../cloudtrail/decompress.js';

/**
 * Hex SHA-256 of a log object's uncompressed bytes, what a digest's `hashValue` records.
 * Streams: small objects are inflated in one call (at most `IN_MEMORY_OUTPUT_BYTES`, 16 MB,
 * at once), larger ones chunk by chunk, so a 50 MB log is never held whole. Bytes that are
 * not gzip are hashed as they are (a copy someone decompressed still matches).
 *
 * @throws MalformedLogFileError (`invalid-gzip`, `truncated-gzip`, `too-large`): content
 *   CloudTrail cannot have written
 * @example
 * ```ts
 * const hash = await logFileSha256(createReadStream(path), { maxDecompressedBytes: 1024 ** 3 });
 * if (hash !== entry.hashValue) report('modified');
 * ```
 */
export async function logFileSha256(body: AsyncIterable<Uint8Array>, options: { maxDecompressedBytes: number; signal?: AbortSignal }): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of decompressedChunks(body, options)) hash.update(chunk);
  return hash.digest('hex');
}
