import { Worker } from 'node:worker_threads';
import type { AggregationConfig } from '../aggregate/file-aggregator.js';
import type { LogFileAggregate } from '../aggregate/log-file.js';
import { DECODE_WORKER_ROLE, decodeTask, type DecodeReply, type DecodeSetup, type DecodeTask } from './decode-worker.js';

export interface DecodePoolOptions {
  /** Worker threads; 0 decodes on the calling thread. */
  workers: number;
  config: AggregationConfig;
  maxDecompressedBytes: number;
}

/**
 * A worker running `decode-worker`: the bundled `dist/decode-worker.mjs` beside the
 * bundled CLI, or, when the CLI runs from its TypeScript source (tests, benchmarks run
 * with tsx), the source module loaded through tsx's API — Node 20 does not pass a
 * parent's `--import` loader on to worker threads.
 */
function startWorker(setup: DecodeSetup): Worker {
  const options = { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./decode-worker.mjs', import.meta.url), options);
  const source = JSON.stringify(new URL('./decode-worker.ts', import.meta.url).href);
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${source}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** A decode worker died (out of memory, a crash): the files it held were not counted. */
export class DecodeWorkerError extends Error {
  override name = 'DecodeWorkerError';
}

interface Slot {
  worker: Worker;
  inFlight: number;
}

interface Pending {
  slot: Slot;
  resolve: (aggregate: LogFileAggregate) => void;
  reject: (error: Error) => void;
}

interface Queued {
  task: DecodeTask;
  resolve: (aggregate: LogFileAggregate) => void;
  reject: (error: Error) => void;
}

/**
 * A worker's young generation, MB. Everything a worker allocates is garbage within a
 * file (parsed records), so a small nursery costs little and keeps each worker's resident
 * memory ~15 MB lower than V8's default (bench:replay measures the peak).
 */
const WORKER_YOUNG_GENERATION_MB = 4;

/** Tasks a worker holds at once: one being decoded, one waiting in its port, so it never idles between messages. */
const PER_WORKER = 2;

/**
 * Reads, decompresses, parses and counts log files in `worker_threads`: the part of a
 * replay that needs no shared state, so it scales with cores. Each task's aggregate
 * comes back as a plain structured clone; the caller applies them in delivery order, so
 * the output does not depend on the number of workers or on which finishes first.
 *
 * Workers run `dist/decode-worker.mjs` beside the bundled CLI, or `decode-worker.ts`
 * (through tsx's loader) when the CLI runs from source.
 */
export class DecodePool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly queue: Queued[] = [];
  private nextId = 0;
  private failure: Error | undefined;
  private closing = false;

  constructor(private readonly options: DecodePoolOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 0) throw new RangeError(`workers must be a whole number, got ${options.workers}`);
    const setup: DecodeSetup = { role: DECODE_WORKER_ROLE, config: options.config, maxDecompressedBytes: options.maxDecompressedBytes };
    for (let i = 0; i < options.workers; i++) {
      const worker = startWorker(setup);
      const slot: Slot = { worker, inFlight: 0 };
      worker.on('message', (reply: DecodeReply) => this.settle(reply));
      worker.on('error', (error) => this.fail(slot, error));
      worker.on('exit', (code) => {
        if (!this.closing) this.fail(slot, new Error(`exited with code ${code}`));
      });
      this.slots.push(slot);
    }
  }

  /** Counts one file; rejects with the worker's error (its `code` kept, e.g. `ENOENT`). */
  decode(task: DecodeTask): Promise<LogFileAggregate> {
    if (this.failure) return Promise.reject(this.failure);
    const { config, maxDecompressedBytes } = this.options;
    if (this.slots.length === 0) return decodeTask(task, { config, maxDecompressedBytes });
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.dispatch();
    });
  }

  /** Hands queued tasks to the least busy workers, as long as some has room. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.reduce((least, candidate) => (candidate.inFlight < least.inFlight ? candidate : least));
      if (slot.inFlight >= PER_WORKER) return;
      const { task, resolve, reject } = this.queue.shift()!;
      const id = this.nextId++;
      slot.inFlight += 1;
      this.pending.set(id, { slot, resolve, reject });
      const transfer = 'bytes' in task.source ? [task.source.bytes.buffer as ArrayBuffer] : [];
      slot.worker.postMessage({ id, task }, transfer);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private settle(reply: DecodeReply): void {
    const pending = this.pending.get(reply.id);
    if (pending === undefined) return;
    this.pending.delete(reply.id);
    pending.slot.inFlight -= 1;
    this.dispatch();
    if (reply.ok) {
      pending.resolve(reply.aggregate);
      return;
    }
    const error = Object.assign(new Error(reply.error.message), { name: reply.error.name }, reply.error.code === undefined ? {} : { code: reply.error.code });
    pending.reject(error);
  }

  private fail(slot: Slot, cause: Error): void {
    this.failure ??= new DecodeWorkerError(`a decode worker stopped: ${cause.message}`, { cause });
    for (const [id, pending] of this.pending) {
      if (pending.slot !== slot) continue;
      this.pending.delete(id);
      pending.reject(this.failure);
    }
    for (const queued of this.queue.splice(0)) queued.reject(this.failure);
  }
}
