/**
 * Sizing and batching of EventBridge PutEvents entries.
 *
 * Entry size, as EventBridge computes it (EventBridge User Guide, "Calculating Amazon
 * EventBridge PutEvents event entry size",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/calculate-putevents-entry-size.html):
 * `Time`, when given, counts 14 bytes; `Source`, `DetailType`, `Detail` and each
 * `Resources` item count their UTF-8 bytes. `EventBusName` and `TraceHeader` do not count.
 * The total over a request's entries must be *less than* 256 KB, and a request holds at
 * most 10 entries (API reference, PutEvents `Entries`).
 */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

const PUT_EVENTS_MAX_ENTRIES = 10;
/** "must be less than 256KB": the largest allowed total is one byte under 256 KiB. */
export const PUT_EVENTS_MAX_BYTES = 256 * 1024 - 1;
const TIME_BYTES = 14;

export interface BatchLimits {
  maxEntries: number;
  maxBytes: number;
}

export const PUT_EVENTS_LIMITS: BatchLimits = { maxEntries: PUT_EVENTS_MAX_ENTRIES, maxBytes: PUT_EVENTS_MAX_BYTES };

const utf8Bytes = (s: string | undefined): number => (s === undefined ? 0 : Buffer.byteLength(s, 'utf8'));

/** The size EventBridge charges against the request limit for one entry. */
export function putEventsEntrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time === undefined ? 0 : TIME_BYTES;
  size += utf8Bytes(entry.Source) + utf8Bytes(entry.DetailType) + utf8Bytes(entry.Detail);
  for (const resource of entry.Resources ?? []) size += utf8Bytes(resource);
  return size;
}

/** An item larger than a whole batch may be: no batching can place it. */
export class BatchItemTooLargeError extends Error {
  constructor(
    readonly index: number,
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(`item ${index} is ${size} bytes; a batch holds at most ${maxBytes}`);
    this.name = 'BatchItemTooLargeError';
  }
}

/**
 * Splits items, in order, into consecutive batches that each hold at most
 * `limits.maxEntries` items and `limits.maxBytes` bytes. Greedy: a batch is closed only
 * when the next item would break a limit, which for consecutive batches is the fewest
 * calls possible. Throws `BatchItemTooLargeError` for an item that fits no batch.
 */
export function batchBySize<T>(items: readonly T[], sizeOf: (item: T) => number, limits: BatchLimits = PUT_EVENTS_LIMITS): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  items.forEach((item, index) => {
    const size = sizeOf(item);
    if (size > limits.maxBytes) throw new BatchItemTooLargeError(index, size, limits.maxBytes);
    if (current.length === limits.maxEntries || bytes + size > limits.maxBytes) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}
