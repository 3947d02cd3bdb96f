import { createGunzip, gunzipSync, type Gunzip } from 'node:zlib';
import { MalformedLogFileError } from './malformed-log-file-error.js';

export interface DecompressOptions {
  /** Stop with `too-large` as soon as more bytes than this come out (gzip or not). */
  maxDecompressedBytes: number;
  /** Stop promptly and throw `signal.reason` when it fires. */
  signal?: AbortSignal;
  /**
   * A gzip object whose compressed bytes all arrive within this many bytes is inflated
   * in one synchronous call (its output capped at `IN_MEMORY_OUTPUT_BYTES`, else it is
   * streamed after all). 0 streams every object. Default `DEFAULT_IN_MEMORY_GZIP_BYTES`.
   */
  inMemoryGzipBytes?: number;
}

/**
 * Streaming inflation pays a thread-pool round trip per 64 KiB and a few per stream
 * (0.1-0.4 ms a file, measured on bench/ingest-throughput.ts), which is most of the cost
 * of a typical small CloudTrail file; one synchronous call pays none. At CloudTrail's
 * ~10:1 ratio, 1 MiB compressed is ~10 MB of log.
 */
export const DEFAULT_IN_MEMORY_GZIP_BYTES = 1024 * 1024;

/**
 * Output cap of the synchronous path: the most it ever holds at once, the same order as
 * the record cap. Anything that inflates beyond it (ratios over 16:1 at the largest
 * in-memory size, bombs) is streamed instead, under the real cap.
 */
export const IN_MEMORY_OUTPUT_BYTES = 16 * 1024 * 1024;

// zlib's output chunk: large enough that the per-chunk stream overhead is small next to
// inflating it, small enough to keep the bytes in flight bounded (a few chunks).
const GUNZIP_CHUNK_BYTES = 64 * 1024;

/**
 * The decompressed bytes of a log object, in chunks. Gzip is recognised by its magic
 * bytes `1f 8b`, not by the name or headers: some readers hand over bytes an HTTP layer
 * already inflated (`Content-Encoding: gzip`). Concatenated gzip members are one stream,
 * as gzip(1) reads them; anything else after a member is `invalid-gzip` (zero padding
 * excepted, which zlib ignores as gzip(1) does).
 *
 * Small gzip objects that arrive whole are inflated in one call (see
 * `DEFAULT_IN_MEMORY_GZIP_BYTES`); larger ones stream through zlib with backpressure.
 * Either way the output is checked against the cap before it is passed on.
 *
 * On any early stop (error, abort, cap, or the consumer breaking off) the source is
 * released: destroyed when it is a stream, and its iterator returned.
 */
export async function* decompressedChunks(
  body: AsyncIterable<Uint8Array>,
  options: DecompressOptions,
): AsyncGenerator<Buffer, void, undefined> {
  const { maxDecompressedBytes, signal, inMemoryGzipBytes = DEFAULT_IN_MEMORY_GZIP_BYTES } = options;
  signal?.throwIfAborted();
  const source = body[Symbol.asyncIterator]();
  const abort = watchAbort(signal);
  let finished = false;
  try {
    // The first two bytes decide; a source may deliver them one at a time.
    const head: Buffer[] = [];
    let headBytes = 0;
    while (headBytes < 2) {
      const next = await abort.race(source.next());
      if (next.done) break;
      const bytes = asBuffer(next.value);
      // Kept across the next read only when too short to decide: copy those few bytes.
      head.push(headBytes + bytes.length < 2 ? Buffer.from(bytes) : bytes);
      headBytes += bytes.length;
    }
    const first = head.length === 1 ? head[0]! : Buffer.concat(head);
    if (first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b) {
      // Gather a small object whole; a large one starts streaming with what came so far.
      // Compressed chunks are held while the source produces the next one (gathered, or
      // queued in zlib), so they are copied: a source may reuse its buffer.
      const compressed = [Buffer.from(first)];
      let compressedBytes = first.length;
      let ended = false;
      while (compressedBytes <= inMemoryGzipBytes) {
        const next = await abort.race(source.next());
        if (next.done) {
          ended = true;
          break;
        }
        const bytes = Buffer.from(next.value);
        compressed.push(bytes);
        compressedBytes += bytes.length;
      }
      const inflated = ended ? inflateWhole(compressed, compressedBytes, maxDecompressedBytes) : undefined;
      if (inflated !== undefined) {
        if (inflated.length > 0) yield inflated;
      } else {
        yield* gunzip(compressed, ended ? undefined : source, maxDecompressedBytes, abort);
      }
    } else if (first.length > 0) {
      yield* passThrough(first, source, maxDecompressedBytes, abort);
    }
    finished = true;
  } finally {
    abort.dispose();
    if (!finished) release(body, source);
  }
}

async function* passThrough(
  first: Buffer,
  source: AsyncIterator<Uint8Array>,
  max: number,
  abort: AbortWatch,
): AsyncGenerator<Buffer, void, undefined> {
  let total = 0;
  let chunk = first;
  for (;;) {
    total += chunk.length;
    if (total > max) throw tooLarge(max);
    if (chunk.length > 0) yield chunk;
    const next = await abort.race(source.next());
    if (next.done) return;
    chunk = asBuffer(next.value);
  }
}

/**
 * Inflates a whole small object in one call: the output, or `undefined` when it would
 * exceed `IN_MEMORY_OUTPUT_BYTES` (stream it instead). Throws `too-large` past the cap.
 */
function inflateWhole(compressed: Buffer[], compressedBytes: number, max: number): Buffer | undefined {
  const limit = Math.min(IN_MEMORY_OUTPUT_BYTES, max + 1);
  let output: Buffer;
  try {
    output = gunzipSync(compressed.length === 1 ? compressed[0]! : Buffer.concat(compressed), { maxOutputLength: limit });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_BUFFER_TOO_LARGE') throw zlibFailure(error, `in ${compressedBytes} compressed bytes`);
    if (limit > max) throw tooLarge(max);
    return undefined;
  }
  if (output.length > max) throw tooLarge(max);
  return output;
}

async function* gunzip(
  head: Buffer[],
  source: AsyncIterator<Uint8Array> | undefined,
  max: number,
  abort: AbortWatch,
): AsyncGenerator<Buffer, void, undefined> {
  const inflater = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
  let sourceFailure: { error: unknown } | undefined;
  // Feeds the inflater with backpressure while the consumer reads its output.
  const pump = async (): Promise<void> => {
    try {
      for (const chunk of head) {
        if (inflater.destroyed) return;
        if (!inflater.write(chunk)) await drained(inflater);
      }
      while (source !== undefined) {
        const next = await abort.race(source.next());
        if (next.done || inflater.destroyed) break;
        if (!inflater.write(Buffer.from(next.value))) await drained(inflater);
      }
      if (!inflater.destroyed) inflater.end();
    } catch (error) {
      sourceFailure = { error };
      inflater.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  };
  void pump();
  const output = inflater[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let total = 0;
  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await abort.race(output.next());
      } catch (error) {
        if (sourceFailure !== undefined) throw sourceFailure.error;
        abort.throwIfAborted();
        throw zlibFailure(error, `after ${inflater.bytesWritten} compressed bytes (${total} decompressed)`);
      }
      if (next.done) return;
      total += next.value.length;
      if (total > max) throw tooLarge(max);
      yield next.value;
    }
  } finally {
    inflater.destroy();
  }
}

function zlibFailure(error: unknown, where: string): unknown {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || !code.startsWith('Z_')) return error;
  // zlib reports input that stops mid-stream as a buffer error; everything else is bad data.
  return code === 'Z_BUF_ERROR'
    ? new MalformedLogFileError('truncated-gzip', `gzip data ends early ${where}`, undefined, { cause: error })
    : new MalformedLogFileError('invalid-gzip', `${(error as Error).message} ${where}`, undefined, { cause: error });
}

const tooLarge = (max: number): MalformedLogFileError =>
  new MalformedLogFileError('too-large', `more than maxDecompressedBytes (${max}) bytes after decompression`);

const drained = (stream: Gunzip): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });

const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Stops reading the source: destroys it first when it is a stream, so a pending read ends too. */
function release(body: AsyncIterable<Uint8Array>, source: AsyncIterator<Uint8Array>): void {
  const destroy = (body as { destroy?: unknown }).destroy;
  if (typeof destroy === 'function') (destroy as () => void).call(body);
  source.return?.().catch(() => undefined);
}

interface AbortWatch {
  /** Settles as `promise` does, or rejects with the abort reason first. */
  race<T>(promise: Promise<T>): Promise<T>;
  throwIfAborted(): void;
  dispose(): void;
}

function watchAbort(signal: AbortSignal | undefined): AbortWatch {
  if (signal === undefined) {
    return { race: (promise) => promise, throwIfAborted: () => undefined, dispose: () => undefined };
  }
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  return {
    race: async (promise) => {
      const value = await Promise.race([promise, aborted]);
      // A source that resolves synchronously would otherwise win every race.
      signal.throwIfAborted();
      return value;
    },
    throwIfAborted: () => signal.throwIfAborted(),
    dispose: () => signal.removeEventListener('abort', onAbort),
  };
}
