import { createReadStream, readFileSync, statSync } from 'node:fs';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { AggregationConfig } from '../aggregate/file-aggregator.js';
import { aggregateLogFile, type LogFileAggregate } from '../aggregate/log-file.js';

/** What every decode worker is told once, at start. */
export interface DecodeSetup {
  role: typeof DECODE_WORKER_ROLE;
  config: AggregationConfig;
  maxDecompressedBytes: number;
}

/** One log file to read and count: a local path (read by the worker) or bytes already fetched. */
export interface DecodeTask {
  objectId: string;
  account: string;
  region: string;
  acceptBareArray: boolean;
  source: { path: string } | { bytes: Uint8Array };
}

export type DecodeReply =
  | { id: number; ok: true; aggregate: LogFileAggregate }
  | { id: number; ok: false; error: { name: string; message: string; code?: string } };

export const DECODE_WORKER_ROLE = 'trail-insights:decode';

/**
 * Reads and counts one file (`aggregateLogFile`): what a worker does for each task, and
 * what a replay without workers does on its main thread.
 */
export async function decodeTask(task: DecodeTask, setup: Omit<DecodeSetup, 'role'>): Promise<LogFileAggregate> {
  const body = 'path' in task.source ? openLocal(task.source.path) : single(task.source.bytes);
  return aggregateLogFile(body, {
    objectId: task.objectId,
    account: task.account,
    region: task.region,
    config: setup.config,
    maxDecompressedBytes: setup.maxDecompressedBytes,
    acceptBareArray: task.acceptBareArray,
  });
}

/**
 * Whole files below this are read at once (a synchronous inflate of a few MB beats a
 * stream, see DEFAULT_IN_MEMORY_GZIP_BYTES); larger ones, like a plain-JSON archive of
 * hundreds of MB, are streamed so memory stays bounded by a record.
 */
const WHOLE_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Synchronous reads: a worker has nothing else to do meanwhile, and the promise API's
 * trips through libuv's thread pool (stat, open, read, close) were a fifth of its time.
 */
function openLocal(path: string): AsyncIterable<Uint8Array> {
  return statSync(path).size <= WHOLE_FILE_BYTES ? single(readFileSync(path)) : createReadStream(path);
}

async function* single(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

function serve(setup: DecodeSetup): void {
  const port = parentPort!;
  port.on('message', ({ id, task }: { id: number; task: DecodeTask }) => {
    decodeTask(task, setup).then(
      (aggregate) => port.postMessage({ id, ok: true, aggregate } satisfies DecodeReply),
      (error: unknown) => {
        const { name = 'Error', message = String(error), code } = error as { name?: string; message?: string; code?: unknown };
        port.postMessage({ id, ok: false, error: { name, message, ...(typeof code === 'string' && { code }) } } satisfies DecodeReply);
      },
    );
  });
}

// Loaded as a decode worker (by `DecodePool`): serve tasks until terminated.
if (!isMainThread && (workerData as Partial<DecodeSetup> | undefined)?.role === DECODE_WORKER_ROLE) serve(workerData as DecodeSetup);
