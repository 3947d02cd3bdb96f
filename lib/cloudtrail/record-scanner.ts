import { MalformedLogFileError } from './malformed-log-file-error.js';

/**
 * An incremental reader of one CloudTrail log document, `{"Records":[{...},...], ...}`,
 * fed in byte chunks of any size. It keeps only the bytes of the one value that spans the
 * current chunk boundary, so memory is bounded by the largest record, not the file.
 *
 * How it stays exact without being a full JSON parser: the scanner itself checks only the
 * document's skeleton — the top-level object, its keys, colons and commas, the `Records`
 * array and the commas between its elements, and that nothing follows the end. Inside a
 * value it only tracks strings, escapes and bracket depth to find where the value ends;
 * every value (each record, each other top-level key and value) is then handed to
 * `JSON.parse`, which validates it. So the scanner accepts a document only when
 * `JSON.parse` of the whole of it would succeed: a valid JSON value ends where its bracket
 * depth first returns to zero outside strings, which is where the scanner cuts, so the
 * pieces parse exactly when the whole does. (It accepts less: see the error codes.)
 * Bytes are decoded to text per value, never per chunk, so a multi-byte UTF-8 character
 * split across chunks is decoded whole, exactly as by `buffer.toString()` of the file.
 *
 * Records that lie wholly inside one chunk are parsed together: their bytes, with the
 * commas between them, are one `JSON.parse('[' + text + ']')`, which costs about what
 * parsing the whole file at once does (on chunks of 32 KiB; see read-records.ts).
 *
 * A duplicated top-level `Records` key is rejected (`duplicate-records`): `JSON.parse`
 * keeps the last one, other parsers the first or both, and CloudTrail never writes two,
 * so no reading of such a file is safe to count.
 */
export class RecordScanner {
  private readonly acceptBareArray: boolean;
  private readonly maxRecordBytes: number;

  private state = START;
  /** Offset in the document of the current chunk's first byte. */
  private base = 0;
  private recordsSeen = false;
  private bare = false;
  private key = '';

  // The value being captured: what it is, how to find its end, and its bytes from
  // earlier chunks.
  private capture = CAPTURE_RECORD;
  private mode = MODE_COMPOSITE;
  private capStart = 0;
  private capOffset = 0;
  private pieces: Buffer[] = [];
  private pieceBytes = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Position of the next backslash in the current chunk (its length when none), or -1 when not searched yet. */
  private backslash = -1;

  // Records completed inside the current chunk, parsed together when it is done.
  private batchStarts: number[] = [];
  private batchEnds: number[] = [];

  constructor(options: { acceptBareArray: boolean; maxRecordBytes: number }) {
    this.acceptBareArray = options.acceptBareArray;
    this.maxRecordBytes = options.maxRecordBytes;
  }

  /**
   * Scans the next chunk of the document and returns the records that ended in it, in
   * document order (often none, when a chunk holds only part of one record).
   * Throws `MalformedLogFileError` as soon as the document cannot be a log file.
   */
  push(chunk: Buffer): Record<string, unknown>[] {
    const len = chunk.length;
    const out: Record<string, unknown>[] = [];
    if (len === 0) return out;
    this.backslash = -1;
    this.capStart = 0;
    this.batchStarts.length = 0;
    this.batchEnds.length = 0;
    let i = 0;
    while (i < len) {
      switch (this.state) {
        case IN_RECORD: {
          const end = this.scanComposite(chunk, i);
          if (end < 0) {
            this.carry(chunk);
            i = len;
            break;
          }
          this.completeRecord(chunk, end, out);
          this.state = ARRAY_NEXT;
          i = end;
          break;
        }
        case ARRAY_NEXT: {
          const c = chunk[i]!;
          if (c === COMMA) this.state = ARRAY_ELEMENT;
          else if (c === CLOSE_BRACKET) this.state = this.bare ? DONE : OBJECT_NEXT;
          else if (!isWhitespace(c)) throw this.syntax(chunk, i, "expected ',' or ']' after a record");
          i++;
          break;
        }
        case ARRAY_FIRST:
        case ARRAY_ELEMENT: {
          const c = chunk[i]!;
          if (c === OPEN_BRACE) {
            this.startCapture(CAPTURE_RECORD, MODE_COMPOSITE, i);
            this.state = IN_RECORD;
            break;
          }
          if (c === CLOSE_BRACKET && this.state === ARRAY_FIRST) {
            this.state = this.bare ? DONE : OBJECT_NEXT;
          } else if (c === CLOSE_BRACKET) {
            throw this.syntax(chunk, i, "trailing ',' before ']' in Records");
          } else if (!isWhitespace(c)) {
            throw new MalformedLogFileError(
              'record-not-object',
              `a record starts with ${describe(chunk, i)}, not '{'`,
              this.base + i,
            );
          }
          i++;
          break;
        }
        case START: {
          const c = chunk[i]!;
          if (c === OPEN_BRACE) {
            this.state = OBJECT_FIRST;
          } else if (c === OPEN_BRACKET) {
            if (!this.acceptBareArray) {
              throw new MalformedLogFileError(
                'no-records',
                'the document is a JSON array, not an object with Records',
                this.base + i,
              );
            }
            this.bare = true;
            this.recordsSeen = true;
            this.state = ARRAY_FIRST;
          } else if (!isWhitespace(c)) {
            throw this.syntax(chunk, i, "expected '{' to start the document");
          }
          i++;
          break;
        }
        case OBJECT_FIRST:
        case OBJECT_KEY: {
          const c = chunk[i]!;
          if (c === QUOTE) {
            this.startCapture(CAPTURE_KEY, MODE_STRING, i);
            this.state = IN_KEY;
            break;
          }
          if (c === CLOSE_BRACE && this.state === OBJECT_FIRST) this.state = DONE;
          else if (!isWhitespace(c)) throw this.syntax(chunk, i, 'expected a key');
          i++;
          break;
        }
        case IN_KEY:
        case IN_VALUE: {
          const end =
            this.mode === MODE_COMPOSITE
              ? this.scanComposite(chunk, i)
              : this.mode === MODE_STRING
                ? // A string capture starts on its opening quote and resumes inside it.
                  this.skipString(chunk, this.inString ? i : i + 1)
                : scanPrimitive(chunk, i);
          if (end < 0) {
            this.carry(chunk);
            i = len;
            break;
          }
          const value = this.parseCaptured(chunk, end);
          if (this.state === IN_KEY) {
            this.key = value as string;
            this.state = COLON;
          } else {
            this.state = OBJECT_NEXT;
          }
          i = end;
          break;
        }
        case COLON: {
          const c = chunk[i]!;
          if (c === COLON_CHAR) this.state = OBJECT_VALUE;
          else if (!isWhitespace(c)) throw this.syntax(chunk, i, "expected ':' after a key");
          i++;
          break;
        }
        case OBJECT_VALUE: {
          const c = chunk[i]!;
          if (isWhitespace(c)) {
            i++;
          } else if (this.key === 'Records') {
            if (this.recordsSeen) {
              throw new MalformedLogFileError(
                'duplicate-records',
                'a second top-level Records key',
                this.base + i,
              );
            }
            this.recordsSeen = true;
            if (c !== OPEN_BRACKET) {
              throw new MalformedLogFileError(
                'records-not-array',
                `Records starts with ${describe(chunk, i)}, not '['`,
                this.base + i,
              );
            }
            this.state = ARRAY_FIRST;
            i++;
          } else if (c === QUOTE) {
            this.startCapture(CAPTURE_VALUE, MODE_STRING, i);
            this.state = IN_VALUE;
          } else {
            this.startCapture(CAPTURE_VALUE, c === OPEN_BRACE || c === OPEN_BRACKET ? MODE_COMPOSITE : MODE_PRIMITIVE, i);
            this.state = IN_VALUE;
          }
          break;
        }
        case OBJECT_NEXT: {
          const c = chunk[i]!;
          if (c === COMMA) this.state = OBJECT_KEY;
          else if (c === CLOSE_BRACE) this.state = DONE;
          else if (!isWhitespace(c)) throw this.syntax(chunk, i, "expected ',' or '}'");
          i++;
          break;
        }
        default: {
          // DONE: only whitespace may follow the document.
          const c = chunk[i]!;
          if (!isWhitespace(c)) throw this.syntax(chunk, i, 'data after the end of the document');
          i++;
        }
      }
    }
    const batch = this.flushBatch(chunk);
    this.base += len;
    if (batch === undefined) return out;
    return out.length === 0 ? batch : out.concat(batch);
  }

  /** Declares the end of the input: throws unless it ended a complete log document. */
  end(): void {
    if (this.state === DONE) {
      if (!this.recordsSeen) throw new MalformedLogFileError('no-records', 'the document has no Records key');
      return;
    }
    if (this.state === START) {
      throw new MalformedLogFileError(
        'empty',
        this.base === 0 ? 'no bytes' : `only whitespace (${this.base} bytes)`,
      );
    }
    throw new MalformedLogFileError(
      'invalid-json',
      `the document stops ${STATE_WHERE[this.state] ?? 'early'}`,
      this.base,
    );
  }

  private startCapture(capture: number, mode: number, at: number): void {
    this.capture = capture;
    this.mode = mode;
    this.capStart = at;
    this.capOffset = this.base + at;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
  }

  /** Keeps the unfinished value's bytes of this chunk (copied: a source may reuse its buffers). */
  private carry(chunk: Buffer): void {
    const piece = Buffer.from(chunk.subarray(this.capStart));
    this.pieces.push(piece);
    this.pieceBytes += piece.length;
    if (this.pieceBytes > this.maxRecordBytes) throw this.tooLarge(this.pieceBytes);
  }

  private takeCaptured(chunk: Buffer, end: number): Buffer {
    if (this.pieces.length === 0) return chunk.subarray(this.capStart, end);
    const bytes = Buffer.concat([...this.pieces, chunk.subarray(0, end)]);
    this.pieces = [];
    this.pieceBytes = 0;
    return bytes;
  }

  private completeRecord(chunk: Buffer, end: number, out: Record<string, unknown>[]): void {
    const size = this.pieceBytes + end - this.capStart;
    if (size > this.maxRecordBytes) throw this.tooLarge(size);
    if (this.pieces.length === 0) {
      this.batchStarts.push(this.capStart);
      this.batchEnds.push(end);
      return;
    }
    // Only the first record of a chunk can have started in an earlier one, so pushing
    // it before the batch keeps document order.
    const bytes = this.takeCaptured(chunk, end);
    out.push(this.parse(bytes.toString('utf8'), this.capOffset) as Record<string, unknown>);
  }

  private parseCaptured(chunk: Buffer, end: number): unknown {
    const size = this.pieceBytes + end - this.capStart;
    if (size > this.maxRecordBytes) throw this.tooLarge(size);
    const bytes = this.takeCaptured(chunk, end);
    return this.parse(bytes.toString('utf8'), this.capOffset);
  }

  private flushBatch(chunk: Buffer): Record<string, unknown>[] | undefined {
    const starts = this.batchStarts;
    const count = starts.length;
    if (count === 0) return undefined;
    const first = starts[0]!;
    const last = this.batchEnds[count - 1]!;
    let records: Record<string, unknown>[];
    try {
      const text = chunk.toString('utf8', first, last);
      records = count === 1 ? [JSON.parse(text) as Record<string, unknown>] : (JSON.parse(`[${text}]`) as Record<string, unknown>[]);
    } catch {
      // Find the record at fault, for the offset in the message.
      for (let k = 0; k < count; k++) {
        this.parse(chunk.toString('utf8', starts[k]!, this.batchEnds[k]!), this.base + starts[k]!, 'record');
      }
      throw new MalformedLogFileError('invalid-json', 'records do not parse', this.base + first);
    }
    return records;
  }

  private parse(text: string, offset: number, what = this.captureName()): unknown {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new MalformedLogFileError(
        'invalid-json',
        `the ${what} starting here does not parse: ${(error as Error).message}`,
        offset,
        { cause: error },
      );
    }
  }

  /**
   * Finds the end of the object or array starting at `from` (or continuing from an
   * earlier chunk): the index just past its closing bracket, or -1 when the chunk ends
   * first, with depth and string state kept for the next chunk.
   */
  private scanComposite(buf: Buffer, from: number): number {
    const len = buf.length;
    let i = from;
    if (this.inString) {
      i = this.skipString(buf, i);
      if (i < 0) return -1;
    }
    let depth = this.depth;
    while (i < len) {
      const c = buf[i]!;
      if (c === QUOTE) {
        i = this.skipString(buf, i + 1);
        if (i < 0) {
          this.depth = depth;
          return -1;
        }
      } else {
        if (c === OPEN_BRACE || c === OPEN_BRACKET) {
          depth++;
        } else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) {
          this.depth = 0;
          return i + 1;
        }
        i++;
      }
    }
    this.depth = depth;
    return -1;
  }

  /**
   * From inside a string: the index just past its closing quote, or -1 when the chunk
   * ends first. Jumps between quotes and backslashes with `indexOf` (memchr speed)
   * instead of looking at every byte; the next backslash is remembered per chunk, as
   * most chunks hold few or none.
   */
  private skipString(buf: Buffer, from: number): number {
    const len = buf.length;
    let i = from;
    if (this.escaped) {
      // The previous chunk ended on a backslash: this byte is the escaped one.
      this.escaped = false;
      i++;
    }
    for (;;) {
      const quote = buf.indexOf(QUOTE, i);
      let backslash = this.backslash;
      if (backslash < i) {
        backslash = buf.indexOf(BACKSLASH, i);
        if (backslash < 0) backslash = len;
        this.backslash = backslash;
      }
      if (quote >= 0 && quote < backslash) {
        this.inString = false;
        return quote + 1;
      }
      if (backslash < len) {
        i = backslash + 2;
        if (i > len) {
          this.escaped = true;
          this.inString = true;
          return -1;
        }
        continue;
      }
      this.inString = true;
      return -1;
    }
  }

  private tooLarge(size: number): MalformedLogFileError {
    return new MalformedLogFileError(
      'record-too-large',
      `a ${this.captureName()} of at least ${size} bytes exceeds maxRecordBytes (${this.maxRecordBytes})`,
      this.capOffset,
    );
  }

  private captureName(): string {
    return this.capture === CAPTURE_RECORD ? 'record' : this.capture === CAPTURE_KEY ? 'key' : 'value';
  }

  private syntax(chunk: Buffer, at: number, expected: string): MalformedLogFileError {
    return new MalformedLogFileError('invalid-json', `${expected}, found ${describe(chunk, at)}`, this.base + at);
  }
}

/** End of a number or literal: the index of the delimiter after it, or -1 at the chunk's end. */
function scanPrimitive(buf: Buffer, from: number): number {
  const len = buf.length;
  for (let i = from; i < len; i++) {
    const c = buf[i]!;
    if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isWhitespace(c)) return i;
  }
  return -1;
}

// JSON's four whitespace bytes; anything else (a BOM included) is not, as for JSON.parse.
const isWhitespace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

const describe = (chunk: Buffer, at: number): string => {
  const c = chunk[at]!;
  return c >= 0x20 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
};

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON_CHAR = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

// Scanner states. Numbers, not strings: the switch runs once per record and separator.
const START = 0;
const OBJECT_FIRST = 1;
const OBJECT_KEY = 2;
const IN_KEY = 3;
const COLON = 4;
const OBJECT_VALUE = 5;
const IN_VALUE = 6;
const OBJECT_NEXT = 7;
const ARRAY_FIRST = 8;
const ARRAY_ELEMENT = 9;
const IN_RECORD = 10;
const ARRAY_NEXT = 11;
const DONE = 12;

const STATE_WHERE: Record<number, string> = {
  [OBJECT_FIRST]: "after '{'",
  [OBJECT_KEY]: "after ',' where a key should follow",
  [IN_KEY]: 'inside a key',
  [COLON]: 'after a key',
  [OBJECT_VALUE]: "after ':'",
  [IN_VALUE]: 'inside a value',
  [OBJECT_NEXT]: "before the closing '}'",
  [ARRAY_FIRST]: "after 'Records: ['",
  [ARRAY_ELEMENT]: "after ',' in Records",
  [IN_RECORD]: 'inside a record',
  [ARRAY_NEXT]: "before the closing ']' of Records",
};

const CAPTURE_RECORD = 0;
const CAPTURE_KEY = 1;
const CAPTURE_VALUE = 2;

const MODE_COMPOSITE = 0;
const MODE_STRING = 1;
const MODE_PRIMITIVE = 2;
