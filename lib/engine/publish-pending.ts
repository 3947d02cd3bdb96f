import type { Logger } from '../log/logger.js';
import { PublishIncompleteError } from '../publish/errors.js';
import type { PublishedInsight, Publisher } from '../publish/publisher.js';
import { inAwsOrder } from '../insights/build.js';
import type { InsightRecord } from '../insights/record.js';
import type { InsightState, InsightStore } from '../store/store.js';

const byTimeThenId = (a: InsightRecord, b: InsightRecord): number =>
  a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : a.eventID < b.eventID ? -1 : a.eventID > b.eventID ? 1 : 0;

/** The records of an insight that were never published: Start, then End once it exists. */
function unpublished(state: InsightState): InsightRecord[] {
  const records: InsightRecord[] = [];
  if (!state.startPublished) records.push(state.start);
  if (state.end !== undefined && !state.endPublished) records.push(state.end);
  return records;
}

/** Whether an insight still owes a record (a crashed attempt's, or a new one). */
export const owesRecords = (state: InsightState): boolean => unpublished(state).length > 0;

/** Records of these insights not yet published, in eventTime then eventID order. */
export function pendingRecords(states: readonly InsightState[]): PublishedInsight[] {
  const pending: PublishedInsight[] = [];
  for (const state of states) {
    for (const record of unpublished(state)) pending.push({ record: inAwsOrder(record), location: state.location });
  }
  return pending.sort((a, b) => byTimeThenId(a.record, b.record));
}

/**
 * Publishes what these insights still owe, then records that it was published. A crash
 * between the two republishes the same records (same eventIDs) next time: at-least-once
 * delivery with idempotent ids. Returns the records published.
 */
export async function publishPending(
  store: InsightStore,
  publisher: Publisher,
  states: readonly InsightState[],
  log: Logger,
): Promise<InsightRecord[]> {
  const pending = pendingRecords(states);
  if (pending.length === 0) return [];
  let delivered = new Set(pending.map((item) => item.record.eventID));
  let failure: unknown;
  try {
    await publisher.publish(pending);
  } catch (error) {
    failure = error;
    delivered = new Set(error instanceof PublishIncompleteError ? error.deliveredEventIDs : []);
  }
  for (const state of states) {
    if (unpublished(state).some((record) => delivered.has(record.eventID))) await markPublished(store, state, delivered, log);
  }
  if (failure !== undefined) throw failure;
  return pending.map((item) => item.record);
}

async function markPublished(store: InsightStore, state: InsightState, delivered: ReadonlySet<string>, log: Logger): Promise<void> {
  let current: InsightState | undefined = state;
  for (let attempt = 0; attempt < 5 && current !== undefined; attempt++) {
    const published = {
      ...current,
      startPublished: current.startPublished || delivered.has(current.start.eventID),
      endPublished: current.endPublished || (current.end !== undefined && delivered.has(current.end.eventID)),
    };
    const version = await store.updateInsight(published);
    if (version !== undefined) return;
    // Someone else moved the insight on (e.g. evaluate ended it): re-read and mark what we sent.
    current = (await store.readInsights(state.account, state.region)).find((s) => s.seriesId === state.seriesId);
    if (current?.start.eventID !== state.start.eventID) return;
  }
  log.warn('could not record an insight as published; it will be published again', { seriesId: state.seriesId });
}
