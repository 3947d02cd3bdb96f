import { decompressedChunks } from './decompress.js';
import { RecordScanner } from './record-scanner.js';

export { MalformedLogFileError, isMalformedLogFileError } from './malformed-log-file-error.js';
export type { MalformedLogFileCode } from './malformed-log-file-error.js';

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
}

/** Far above real records (a few KB; the largest seen carry big policy documents). */
export const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;

// Large input chunks (a whole file read at once) are scanned in windows of this size,
// so a batch, its text and its parsed records stay small whatever the caller passes.
const WINDOW_BYTES = 128 * 1024;

/**
 * Reads a CloudTrail log file — gzip or plain JSON `{"Records":[...]}` — from a byte
 * stream, yielding its records in batches, in file order, as they are read. Memory is
 * bounded by the largest record, not the file.
 *
 * A malformed file always ends in a `MalformedLogFileError` (after possibly yielding some
 * batches: the caller must discard what it got from a file that fails). Errors of the
 * source itself (a reset socket) and the abort reason are thrown unchanged.
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
  const { maxDecompressedBytes, acceptBareArray = false, signal, maxRecordBytes = DEFAULT_MAX_RECORD_BYTES } = options;
  assertPositive('maxDecompressedBytes', maxDecompressedBytes);
  assertPositive('maxRecordBytes', maxRecordBytes);
  const scanner = new RecordScanner({ acceptBareArray, maxRecordBytes });
  for await (const chunk of decompressedChunks(body, { maxDecompressedBytes, ...(signal && { signal }) })) {
    for (let at = 0; at < chunk.length; at += WINDOW_BYTES) {
      signal?.throwIfAborted();
      const window = chunk.length <= WINDOW_BYTES ? chunk : chunk.subarray(at, at + WINDOW_BYTES);
      const batch = scanner.push(window);
      if (batch.length > 0) yield batch;
    }
  }
  scanner.end();
}

function assertPositive(name: string, value: number): void {
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number of bytes, got ${String(value)}`);
  }
}
