import type { ValueCount } from './types.js';

/**
 * Bounded value counter: the Space-Saving algorithm (Metwally, Agrawal, El Abbadi,
 * "Efficient Computation of Frequent and Top-k Elements in Data Streams", 2005).
 * Exact while at most `capacity` distinct values were seen. Beyond that a new value
 * evicts the current minimum and inherits its count + 1, so every count is an
 * overestimate by at most the evicted minimum, and any value with more than
 * total/capacity occurrences is guaranteed to be kept — the heavy hitters attribution needs.
 */
export class TopK {
  private readonly counts = new Map<string, number>();

  constructor(readonly capacity: number) {}

  add(value: string, by = 1): void {
    const current = this.counts.get(value);
    if (current !== undefined) {
      this.counts.set(value, current + by);
      return;
    }
    if (this.counts.size < this.capacity) {
      this.counts.set(value, by);
      return;
    }
    let minValue = '';
    let minCount = Number.POSITIVE_INFINITY;
    for (const [candidate, count] of this.counts) {
      if (count < minCount) {
        minCount = count;
        minValue = candidate;
      }
    }
    this.counts.delete(minValue);
    this.counts.set(value, minCount + by);
  }

  /** Sorted by count descending, then value, so output never depends on insertion order. */
  entries(): ValueCount[] {
    return sortValueCounts([...this.counts]);
  }
}

export function sortValueCounts(list: ValueCount[]): ValueCount[] {
  return list.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Adds several value lists and keeps the `limit` largest (deterministic order). */
export function mergeValueCounts(lists: Iterable<readonly ValueCount[]>, limit: number): ValueCount[] {
  const sums = new Map<string, number>();
  for (const list of lists) {
    for (const [value, count] of list) sums.set(value, (sums.get(value) ?? 0) + count);
  }
  return sortValueCounts([...sums]).slice(0, limit);
}
