import { createGunzip, type Gunzip } from 'node:zlib';
import { MalformedLogFileError } from './malformed-log-file-error.js';

export interface DecompressOptions {
  /** Stop with `too-large` as soon as more bytes than this come out (gzip or not). */
  maxDecompressedBytes: number;
  /** Stop promptly and throw `signal.reason` when it fires. */
  signal?: AbortSignal;
}

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
 * On any early stop (error, abort, cap, or the consumer breaking off) the source is
 * released: destroyed when it is a stream, and its iterator returned.
 */
export async function* decompressedChunks(
  body: AsyncIterable<Uint8Array>,
  options: DecompressOptions,
): AsyncGenerator<Buffer, void, undefined> {
  const { maxDecompressedBytes, signal } = options;
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
      head.push(bytes);
      headBytes += bytes.length;
    }
    const first = head.length === 1 ? head[0]! : Buffer.concat(head);
    if (first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b) {
      yield* gunzip(first, source, maxDecompressedBytes, abort);
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

async function* gunzip(
  first: Buffer,
  source: AsyncIterator<Uint8Array>,
  max: number,
  abort: AbortWatch,
): AsyncGenerator<Buffer, void, undefined> {
  const inflater = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
  let sourceFailure: { error: unknown } | undefined;
  // Feeds the inflater with backpressure while the consumer reads its output.
  const pump = async (): Promise<void> => {
    try {
      let chunk: Buffer | undefined = first;
      while (chunk !== undefined) {
        if (inflater.destroyed) return;
        if (!inflater.write(chunk)) await drained(inflater);
        const next = await abort.race(source.next());
        chunk = next.done ? undefined : asBuffer(next.value);
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
        throw zlibFailure(error, inflater, total);
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

function zlibFailure(error: unknown, inflater: Gunzip, decompressed: number): unknown {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || !code.startsWith('Z_')) return error;
  const where = `after ${inflater.bytesWritten} compressed bytes (${decompressed} decompressed)`;
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
