/**
 * Where an insight's context sidecar (`lib/insights/context.ts`) is kept, and its bytes:
 *
 *     [prefix/]trail-insights/context/<account>/<region>/YYYY/MM/DD/<sharedEventID>.json.gz
 *
 * - Outside `AWSLogs/`: ingest reads only `…/CloudTrail/` keys and SIEMs parse every object
 *   under `…/CloudTrail-Insight/` as a `{"Records":[…]}` file; a sidecar in either would be
 *   ingested or break a strict parser (DESIGN.md, "Nothing extra under …").
 * - Beside the insights in the same bucket and prefix, so it lives as long as they do
 *   (one lifecycle rule on `trail-insights/` keeps both for the same time) and the same
 *   reader credentials find both.
 * - Dated by the insight's *start* (the End's eventTime minus its insightDuration), named
 *   by `sharedEventID`: the Start and End of one insight write the same key (the End's
 *   context replaces the Start's, as counts become known), and a reader holding either
 *   record computes the key without listing.
 */
import { gzipSync } from 'node:zlib';
import type { InsightContext } from '../insights/context.js';
import type { InsightRecord } from '../insights/record.js';
import { minuteOf, minuteToDatePath, type Minute } from '../time/minute.js';
import { InsightKeyError } from './errors.js';

/** The folder of every context under a trail prefix. */
export const CONTEXT_FOLDER = 'trail-insights/context/';

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z0-9-]+$/;
// sharedEventIDs are UUIDs; anything else could leave the folder (`..`, `/`).
const SHARED_ID = /^[A-Za-z0-9-]{1,64}$/;

const withSlash = (prefix: string): string => (prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`);

/**
 * The key of an insight's context.
 * @example contextObjectKey({ account: '111122223333', region: 'eu-west-1', start: minuteOf('2024-02-24T03:09:00Z')!, sharedEventID: 'e3b…' }, 'cloudtrail/')
 * // → 'cloudtrail/trail-insights/context/111122223333/eu-west-1/2024/02/24/e3b….json.gz'
 * @throws InsightKeyError when a field cannot be part of a key
 */
export function contextObjectKey(id: { account: string; region: string; start: Minute; sharedEventID: string }, prefix = ''): string {
  if (!ACCOUNT.test(id.account)) throw new InsightKeyError(`account ${JSON.stringify(id.account)} is not 12 digits`, id.sharedEventID, 'account');
  if (!REGION.test(id.region)) throw new InsightKeyError(`region ${JSON.stringify(id.region)} is not a region name`, id.sharedEventID, 'region');
  if (!SHARED_ID.test(id.sharedEventID)) {
    throw new InsightKeyError(`sharedEventID ${JSON.stringify(id.sharedEventID)} is not an id`, id.sharedEventID, 'sharedEventID');
  }
  return `${withSlash(prefix)}${CONTEXT_FOLDER}${id.account}/${id.region}/${minuteToDatePath(id.start)}/${id.sharedEventID}.json.gz`;
}

/** The key of a stored context, from the context itself. */
export function contextKeyOf(context: InsightContext, prefix = ''): string {
  return contextObjectKey({ account: context.account, region: context.region, start: minuteOf(context.start)!, sharedEventID: context.sharedEventID }, prefix);
}

/** The key of the context of the insight a record (Start or End) belongs to. */
export function contextKeyForRecord(record: InsightRecord, prefix = ''): string {
  const minute = minuteOf(record.eventTime);
  if (minute === undefined) throw new InsightKeyError(`eventTime ${JSON.stringify(record.eventTime)} is not a timestamp`, record.eventID, 'eventTime');
  const start = record.insightDetails.state === 'Start' ? minute : minute - (record.insightDetails.insightContext.statistics.insightDuration ?? 0);
  return contextObjectKey({ account: record.recipientAccountId, region: record.awsRegion, start, sharedEventID: record.sharedEventID }, prefix);
}

/** Gzip JSON of one context; deterministic bytes (zero gzip mtime), so a rewrite of the same context changes nothing. */
export function contextFileBody(context: InsightContext): Uint8Array {
  return gzipSync(JSON.stringify(context));
}
