/**
 * Reads the Insights records of an archive (`archive.ts`): every file's `{"Records":[…]}`,
 * each record once (a record can sit in two files: AWS redelivers, replays overwrite,
 * archives get merged), and the context sidecar of an insight when there is one.
 * A file that is not an Insights file — truncated gzip, not JSON, a log file or anything
 * else among the Insights — is skipped with its reason, never fatal.
 */
import { gunzipSync } from 'node:zlib';
import { readRecordBatches } from '../cloudtrail/read-records.js';
import { InsightContextError, parseInsightContextText, type InsightContext } from '../insights/context.js';
import type { InsightRecord } from '../insights/record.js';
import { contextKeyForRecord } from '../publish/context-file.js';
import { minuteOf } from '../time/minute.js';
import type { InsightArchive, ListHint } from './archive.js';

/** An Insights file is one record in ours and a handful in AWS's: 64 MiB of JSON is not one. */
export const MAX_INSIGHT_FILE_BYTES = 64 * 1024 * 1024;
/** A context is a few KB; a larger object at a context key is not one. */
const MAX_CONTEXT_BYTES = 4 * 1024 * 1024;

export interface SkippedInsightFile {
  name: string;
  reason: string;
}

export interface ArchiveContents {
  /** Every Insights record, once per eventID, ordered by eventTime then eventID. */
  records: InsightRecord[];
  filesRead: number;
  skipped: SkippedInsightFile[];
}

/** Why a value is not an Insights record, or `undefined` when it is one. */
export function insightRecordProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const record = value as Record<string, any>;
  if (record.eventType !== 'AwsCloudTrailInsight') return `eventType is ${JSON.stringify(record.eventType)}, not AwsCloudTrailInsight`;
  for (const field of ['eventID', 'sharedEventID', 'recipientAccountId', 'awsRegion', 'eventTime'] as const) {
    if (typeof record[field] !== 'string' || record[field] === '') return `no ${field}`;
  }
  if (minuteOf(record.eventTime) === undefined) return `eventTime ${JSON.stringify(record.eventTime)} is not a time`;
  const details = record.insightDetails as Record<string, any> | undefined;
  if (typeof details !== 'object' || details === null) return 'no insightDetails';
  if (details.state !== 'Start' && details.state !== 'End') return `insightDetails.state is ${JSON.stringify(details.state)}`;
  if (typeof details.eventSource !== 'string' || typeof details.eventName !== 'string') return 'no insightDetails.eventSource/eventName';
  if (details.insightType !== 'ApiCallRateInsight' && details.insightType !== 'ApiErrorRateInsight') return `insightType is ${JSON.stringify(details.insightType)}`;
  const statistics = details.insightContext?.statistics;
  // AWS's 2019 examples have Starts without insightDuration: only the averages are always there.
  if (typeof statistics?.baseline?.average !== 'number' || typeof statistics?.insight?.average !== 'number') return 'no insightContext.statistics averages';
  return undefined;
}

const byTimeThenId = (a: InsightRecord, b: InsightRecord): number =>
  a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : a.eventID < b.eventID ? -1 : a.eventID > b.eventID ? 1 : 0;

/**
 * Every Insights record in the archive, once each.
 * @example const { records, skipped } = await readInsightArchive(new DirectoryArchive('out'));
 */
export async function readInsightArchive(archive: InsightArchive, hint: ListHint = {}): Promise<ArchiveContents> {
  const byId = new Map<string, InsightRecord>();
  const skipped: SkippedInsightFile[] = [];
  let filesRead = 0;
  for await (const file of archive.listInsightFiles(hint)) {
    const records: InsightRecord[] = [];
    let problem: string | undefined;
    try {
      for await (const batch of readRecordBatches(await archive.open(file.key), { maxDecompressedBytes: MAX_INSIGHT_FILE_BYTES, acceptBareArray: true })) {
        for (const value of batch) {
          problem ??= insightRecordProblem(value);
          records.push(value as unknown as InsightRecord);
        }
      }
    } catch (error) {
      problem = (error as Error).message;
    }
    if (problem !== undefined) {
      // One foreign record makes the whole file suspect, as it does for strict SIEM parsers.
      skipped.push({ name: file.name, reason: `not an Insights file: ${problem}` });
      continue;
    }
    filesRead += 1;
    for (const record of records) if (!byId.has(record.eventID)) byId.set(record.eventID, record);
  }
  return { records: [...byId.values()].sort(byTimeThenId), filesRead, skipped };
}

/** A sidecar that exists but cannot be used. */
export type ContextLookup = { context: InsightContext } | { missing: true } | { problem: string; key: string };

/**
 * The context sidecar of the insight a record belongs to, read straight from its key
 * (no listing). A missing one is normal (AWS's own insights, older engines); a broken
 * one is reported, not thrown.
 */
export async function readInsightContext(archive: InsightArchive, record: InsightRecord): Promise<ContextLookup> {
  const key = contextKeyForRecord(record, archive.prefix);
  const bytes = await archive.readOptional(key);
  if (bytes === undefined) return { missing: true };
  try {
    const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes, { maxOutputLength: MAX_CONTEXT_BYTES }).toString('utf8') : Buffer.from(bytes).toString('utf8');
    const context = parseInsightContextText(text, key);
    if (context.sharedEventID !== record.sharedEventID) return { problem: `belongs to insight ${context.sharedEventID}`, key };
    return { context };
  } catch (error) {
    if (error instanceof InsightContextError) return { problem: error.message, key };
    return { problem: `unreadable: ${(error as Error).message}`, key };
  }
}
