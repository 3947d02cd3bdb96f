/**
 * Replays a trail with the CLI's own replay (in memory) and builds the insight contexts
 * of its insights from the same log files (`trail-contexts.ts`): the real input of the
 * report, its benchmark and its browser test.
 */
import { DEFAULT_DETECTOR_CONFIG, type DetectorConfig } from '../../lib/config/detector-config.js';
import { replay } from '../../lib/cli/replay.js';
import { dateUnnamedFiles, findLocalFiles } from '../../lib/cli/trail-files.js';
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from '../../lib/engine/deps.js';
import type { InsightContext } from '../../lib/insights/context.js';
import type { InsightRecord } from '../../lib/insights/record.js';
import { createLogger } from '../../lib/log/logger.js';
import { contextsFromTrail, countTrail } from './trail-contexts.js';

export interface TrailInsights {
  records: InsightRecord[];
  contexts: InsightContext[];
}

/** Records and contexts of every insight of the trail(s) under `paths`. */
export async function trailInsights(paths: readonly string[], config: DetectorConfig = DEFAULT_DETECTOR_CONFIG): Promise<TrailInsights> {
  const found = await findLocalFiles(paths);
  const { dated } = await dateUnnamedFiles(found.files, DEFAULT_MAX_DECOMPRESSED_BYTES);
  const result = await replay({ files: dated, config, maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES, log: createLogger({ level: 'silent' }) });
  const counts = await countTrail(dated, config);
  return { records: result.records, contexts: contextsFromTrail(counts, result.records, config) };
}
