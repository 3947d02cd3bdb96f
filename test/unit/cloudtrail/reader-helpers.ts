import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRecordBatches, type ReadRecordsOptions } from '../../../lib/cloudtrail/read-records.js';
import { DATASETS } from '../../support/datasets.js';

export function datasetFiles(folder: string): { name: string; bytes: Buffer }[] {
  const dir = join(DATASETS, folder);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ name, bytes: readFileSync(join(dir, name)) }));
}

/** Every record of the named dataset folders, with the file it came from. */
export function datasetRecords(...folders: string[]): Record<string, unknown>[] {
  return folders.flatMap((folder) =>
    datasetFiles(folder).flatMap(({ bytes }) => {
      const parsed = JSON.parse(bytes.toString('utf8')) as { Records: Record<string, unknown>[] } | Record<string, unknown>[];
      return Array.isArray(parsed) ? parsed : parsed.Records;
    }),
  );
}

/** Splits bytes at the given cut points (any order, out-of-range ignored). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((cut) => cut > 0 && cut < bytes.length))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...points, bytes.length]) {
    parts.push(bytes.subarray(from, cut));
    from = cut;
  }
  return parts;
}

export function splitEvery(bytes: Uint8Array, size: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) parts.push(bytes.subarray(at, at + size));
  return parts;
}

/** An async source over the chunks, as a socket would hand them over (one per tick). */
export async function* source(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) {
    await Promise.resolve();
    yield chunk;
  }
}

export const DEFAULT_OPTIONS: ReadRecordsOptions = { maxDecompressedBytes: 1 << 30 };

export async function readAll(
  chunks: readonly Uint8Array[] | AsyncIterable<Uint8Array>,
  options: Partial<ReadRecordsOptions> = {},
): Promise<Record<string, unknown>[]> {
  const body = Array.isArray(chunks) ? source(chunks) : (chunks as AsyncIterable<Uint8Array>);
  const records: Record<string, unknown>[] = [];
  for await (const batch of readRecordBatches(body, { ...DEFAULT_OPTIONS, ...options })) {
    if (batch.length === 0) throw new Error('the reader yielded an empty batch');
    for (const record of batch) records.push(record);
  }
  return records;
}

/** The error a promise rejects with, or a failure when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, but it resolved');
}
