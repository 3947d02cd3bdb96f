import { DEFAULT_IN_MEMORY_GZIP_BYTES, decompressedChunks } from './decompress.js';
import { RecordScanner } from './record-scanner.js';

export { MalformedLogFileError, isMalformedLogFileError } from './malformed-log-file-error.js';
export type { MalformedLogFileCode } from './malformed-log-file-error.js';
export { DEFAULT_IN_MEMORY_GZIP_BYTES, IN_MEMORY_OUTPUT_BYTES } from './decompress.js';

export interface ReadRecordsOptions {
  /**
   * Cap on the decompressed (or plain) size. CloudTrail files are at most 50 MB
   * compressed; anything past the cap is a bomb or not a log file (`too-large`).
   */
  maxDecompressedBytes: number;
  /** Also accept a top-level JSON array of records (Stratus Red Team detonation logs). */
  acceptBareArray?: boolean;
  /** Stop promptly and throw `signal.reason`, e.g. shortly before the Lambda timeout. */
  signal?: AbortSignal;
  /** Cap on one record's size (`record-too-large`); the reader's memory is bounded by it. */
  maxRecordBytes?: number;
  /**
   * Gzip objects that arrive whole within this many compressed bytes are inflated in one
   * synchronous call, which is much cheaper for small files than streaming (see
   * `DEFAULT_IN_MEMORY_GZIP_BYTES`); 0 streams every object.
   */
  inMemoryGzipBytes?: number;
}

/** Far above real records (a few KB; the largest seen carry big policy documents). */
const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;

// Chunks are scanned in windows of this size, so a batch, its text and its records stay
// small whatever the caller passes. Small on purpose: a batch's text is decoded and
// parsed at once, and text of 64 KiB or more (128 KB as UTF-16 once any character is
// outside Latin-1) lands in V8's large-object space, which made parsing ~30% slower than
// at 32 KiB (measured on generated logs; no difference on ASCII-only logs).
const WINDOW_BYTES = 32 * 1024;

/**
 * Reads a CloudTrail log file — gzip or plain JSON `{"Records":[...]}` — from a byte
 * stream, yielding its records in batches, in file order, as they are read. Memory is
 * bounded by the largest record (and, for a small gzip object inflated whole, by
 * `IN_MEMORY_OUTPUT_BYTES`), never by the file.
 *
 * A malformed file always ends in a `MalformedLogFileError` (after possibly yielding some
 * batches: the caller must discard what it got from a file that fails). Errors of the
 * source itself (a reset socket) and the abort reason are thrown unchanged. On any early
 * stop, the consumer's included, the source is released: destroyed when it has a
 * `destroy` method (a Node stream, an S3 `Body`), its iterator returned.
 *
 * Batches hold the records of up to 32 KiB of log each (a few dozen records).
 *
 * @example
 * ```ts
 * const { Body } = await s3.send(new GetObjectCommand({ Bucket, Key }));
 * for await (const batch of readRecordBatches(Body as Readable, { maxDecompressedBytes: 1 << 30 })) {
 *   for (const record of batch) tally(classifyRecord(record));
 * }
 * ```
 */
export async function* readRecordBatches(
  body: AsyncIterable<Uint8Array>,
  options: ReadRecordsOptions,
): AsyncGenerator<Record<string, unknown>[], void, undefined> {
  const {
    maxDecompressedBytes,
    acceptBareArray = false,
    signal,
    maxRecordBytes = DEFAULT_MAX_RECORD_BYTES,
    inMemoryGzipBytes = DEFAULT_IN_MEMORY_GZIP_BYTES,
  } = options;
  assertSize('maxDecompressedBytes', maxDecompressedBytes, 1);
  assertSize('maxRecordBytes', maxRecordBytes, 1);
  assertSize('inMemoryGzipBytes', inMemoryGzipBytes, 0);
  const scanner = new RecordScanner({ acceptBareArray, maxRecordBytes });
  const chunks = decompressedChunks(body, { maxDecompressedBytes, inMemoryGzipBytes, ...(signal && { signal }) });
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += WINDOW_BYTES) {
      signal?.throwIfAborted();
      const window = chunk.length <= WINDOW_BYTES ? chunk : chunk.subarray(at, at + WINDOW_BYTES);
      const batch = scanner.push(window);
      if (batch.length > 0) yield batch;
    }
  }
  scanner.end();
}

function assertSize(name: string, value: number, least: number): void {
  if (typeof value !== 'number' || Number.isNaN(value) || value < least) {
    throw new RangeError(`${name} must be a number of bytes of at least ${least}, got ${String(value)}`);
  }
}
