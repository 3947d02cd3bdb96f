import { insightFile } from './insight-file.js';
import type { PublishedInsight } from './publisher.js';

/** One Insights file to write, with the record and bucket it came from. */
export interface PlannedInsightFile {
  eventID: string;
  bucket: string;
  key: string;
  body: Uint8Array;
}

/**
 * Every file a publish call writes, in input order, one per (bucket, key): a record listed
 * twice is one file. All keys are built before anything is written, so a record that
 * cannot form a key fails the call without writing half of it.
 */
export function planInsightFiles(insights: readonly PublishedInsight[]): PlannedInsightFile[] {
  const seen = new Set<string>();
  const files: PlannedInsightFile[] = [];
  for (const { record, location } of insights) {
    const { key, body } = insightFile(record, location);
    const id = `${location.bucket}/${key}`;
    if (seen.has(id)) continue;
    seen.add(id);
    files.push({ eventID: record.eventID, bucket: location.bucket, key, body });
  }
  return files;
}
