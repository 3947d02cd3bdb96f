import type { DetectorConfig } from '../config/detector-config.js';
import type { Logger } from '../log/logger.js';
import type { Publisher } from '../publish/publisher.js';
import type { Store } from '../store/store.js';
import type { EngineCache } from './cache.js';

/** What the engine runs on: the same in Lambda (DynamoDB, EventBridge + S3) and in the CLI (memory, files). */
export interface EngineDeps {
  store: Store;
  publisher: Publisher;
  config: DetectorConfig;
  log: Logger;
  /** Decompressed bytes one log file may have (decompression-bomb guard). */
  maxDecompressedBytes: number;
  /** Reads a warm container may skip (Lambda); none for the CLI's in-memory store. */
  cache?: EngineCache;
}

/** 1 GiB: CloudTrail files are at most 50 MB compressed and JSON compresses ~10-20×. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 1024 ** 3;
