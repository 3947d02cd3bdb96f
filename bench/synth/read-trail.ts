import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { CloudTrailRecord } from './record.js';

/**
 * Reads a generated trail back: every CloudTrail log file under `<dir>/AWSLogs`, in key
 * order. For tests and offline analysis; the engine has its own reader in lib/cloudtrail.
 */
export interface TrailFile {
  /** Key relative to the dataset root, `AWSLogs/...`. */
  key: string;
  bytes: number;
  records: CloudTrailRecord[];
}

export function listLogKeys(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json.gz')) out.push(relative(dir, p));
    }
  };
  walk(join(dir, 'AWSLogs'));
  return out.sort();
}

export function* readTrail(dir: string): Generator<TrailFile> {
  for (const key of listLogKeys(dir)) {
    const body = readFileSync(join(dir, key));
    const parsed = JSON.parse(gunzipSync(body).toString('utf8')) as { Records: CloudTrailRecord[] };
    yield { key, bytes: body.length, records: parsed.Records };
  }
}
