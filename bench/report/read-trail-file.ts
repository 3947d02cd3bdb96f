import { readRecordBatches } from '../../lib/cloudtrail/read-records.js';
import type { TrailFile } from '../../lib/cli/trail-files.js';
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from '../../lib/engine/deps.js';

/** Every record of one log file of a replay (gzip or not, `Records` wrapper or bare array). */
export async function readTrailFile(file: TrailFile): Promise<Array<Record<string, unknown>>> {
  const records: Array<Record<string, unknown>> = [];
  for await (const batch of readRecordBatches(await file.open(), { maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES, acceptBareArray: true })) {
    records.push(...(batch as Array<Record<string, unknown>>));
  }
  return records;
}
