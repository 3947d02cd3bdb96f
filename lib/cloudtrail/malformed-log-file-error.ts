/**
 * Why a log object cannot be read. The engine quarantines the object under this code
 * (`QuarantineRecord.code`) instead of retrying: reading the same bytes again gives the
 * same answer.
 */
export type MalformedLogFileCode =
  /** No bytes at all, or only JSON whitespace (after decompression). */
  | 'empty'
  /** Starts with the gzip magic bytes but is not valid gzip (bad header, data or checksum). */
  | 'invalid-gzip'
  /** Valid gzip up to where the bytes stop. */
  | 'truncated-gzip'
  /** Not JSON: syntax error, trailing data, or the document stops early. */
  | 'invalid-json'
  /** Valid so far, but not a log file: an object without `Records` (a digest) or a top-level array. */
  | 'no-records'
  | 'records-not-array'
  /** `Records` occurs twice at the top level: which one counts is parser-dependent, so neither does. */
  | 'duplicate-records'
  | 'record-not-object'
  /** One record (or one other top-level value) is larger than `maxRecordBytes`. */
  | 'record-too-large'
  /** More than `maxDecompressedBytes` after decompression: a decompression bomb or not a log file. */
  | 'too-large';

export class MalformedLogFileError extends Error {
  readonly code: MalformedLogFileCode;
  /** Byte offset in the decompressed document where the problem was found, when known. */
  readonly offset: number | undefined;

  constructor(code: MalformedLogFileCode, message: string, offset?: number, options?: { cause?: unknown }) {
    super(offset === undefined ? `${code}: ${message}` : `${code} at byte ${offset}: ${message}`, options);
    this.name = 'MalformedLogFileError';
    this.code = code;
    this.offset = offset;
  }
}

export const isMalformedLogFileError = (error: unknown): error is MalformedLogFileError =>
  error instanceof MalformedLogFileError;
