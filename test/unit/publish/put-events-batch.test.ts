import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BatchItemTooLargeError,
  PUT_EVENTS_LIMITS,
  PUT_EVENTS_MAX_BYTES,
  batchBySize,
  putEventsEntrySize,
} from '../../../lib/publish/put-events-batch.js';
import { recordWith } from './insight-fixture.js';

describe('Function: putEventsEntrySize', () => {
  const testCases: { name: string; entry: PutEventsRequestEntry; size: number }[] = [
    { name: 'counts Source, DetailType and Detail bytes', entry: { Source: 'abc', DetailType: 'de', Detail: '{}' }, size: 7 },
    { name: 'counts Time as 14 bytes', entry: { Source: 'a', DetailType: 'b', Time: new Date(0) }, size: 16 },
    { name: 'counts UTF-8 bytes, not characters', entry: { Source: 'é', DetailType: '€', Detail: '"😀"' }, size: 2 + 3 + 6 },
    { name: 'counts each resource', entry: { Source: 'a', DetailType: 'b', Resources: ['arn:1', 'xy'] }, size: 9 },
    { name: 'ignores EventBusName and TraceHeader', entry: { Source: 'a', DetailType: 'b', EventBusName: 'bus', TraceHeader: 't' }, size: 2 },
  ];

  it.each(testCases)('$name', ({ entry, size }) => {
    // Act
    const actual = putEventsEntrySize(entry);

    // Assess
    expect(actual).toBe(size);
  });
});

describe('Function: batchBySize', () => {
  const testCases: { name: string; sizes: number[]; limits?: { maxEntries: number; maxBytes: number }; batches: number[][] }[] = [
    { name: 'nothing gives no batches', sizes: [], batches: [] },
    { name: '10 small entries fill one call', sizes: Array(10).fill(1), batches: [Array(10).fill(1)] },
    { name: 'the 11th entry opens a second call', sizes: Array(11).fill(1), batches: [Array(10).fill(1), [1]] },
    { name: '23 entries take 10 + 10 + 3', sizes: Array(23).fill(1), batches: [Array(10).fill(1), Array(10).fill(1), Array(3).fill(1)] },
    {
      name: 'entries that fit exactly share a call',
      sizes: [PUT_EVENTS_MAX_BYTES - 100, 100],
      batches: [[PUT_EVENTS_MAX_BYTES - 100, 100]],
    },
    {
      name: 'one byte over the size limit opens a second call',
      sizes: [PUT_EVENTS_MAX_BYTES - 100, 101],
      batches: [[PUT_EVENTS_MAX_BYTES - 100], [101]],
    },
    { name: 'three 100 KB entries take two calls', sizes: [100_000, 100_000, 100_000], batches: [[100_000, 100_000], [100_000]] },
    { name: 'custom limits apply', sizes: [3, 3, 3, 1], limits: { maxEntries: 2, maxBytes: 6 }, batches: [[3, 3], [3, 1]] },
  ];

  it.each(testCases)('$name', ({ sizes, limits, batches }) => {
    // Act
    const actual = batchBySize(sizes, (s) => s, limits);

    // Assess
    expect(actual).toEqual(batches);
  });

  it('throws BatchItemTooLargeError for an item no batch can hold', () => {
    // Prepare
    const sizes = [10, PUT_EVENTS_MAX_BYTES + 1];

    // Act
    const act = () => batchBySize(sizes, (s) => s);

    // Assess
    expect(act).toThrow(BatchItemTooLargeError);
    expect(act).toThrow(expect.objectContaining({ index: 1, size: PUT_EVENTS_MAX_BYTES + 1 }));
  });

  it('splits any list into batches within both limits that hold every item once, in order', () => {
    const scenario = fc
      .record({ maxEntries: fc.integer({ min: 1, max: 10 }), maxBytes: fc.integer({ min: 1, max: 5_000 }) })
      .chain((limits) =>
        fc.record({ limits: fc.constant(limits), sizes: fc.array(fc.integer({ min: 0, max: limits.maxBytes }), { maxLength: 200 }) }),
      );
    fc.assert(
      fc.property(scenario, ({ limits, sizes }) => {
        // Prepare: tag each size so order and uniqueness are observable
        const items = sizes.map((size, id) => ({ id, size }));

        // Act
        const batches = batchBySize(items, (i) => i.size, limits);

        // Assess
        for (const batch of batches) {
          expect(batch.length).toBeGreaterThan(0);
          expect(batch.length).toBeLessThanOrEqual(limits.maxEntries);
          expect(batch.reduce((sum, i) => sum + i.size, 0)).toBeLessThanOrEqual(limits.maxBytes);
        }
        expect(batches.flat()).toEqual(items);
      }),
      { numRuns: 2000 },
    );
  });

  it('batches real Insights entries within the PutEvents limits, every record once, in order', () => {
    // Records whose attribution values range from tiny to ~120 KB, so both limits bind.
    const recordList = fc.array(fc.integer({ min: 0, max: 120_000 }), { maxLength: 40 }).map((lengths) =>
      lengths.map((length, i) => {
        const base = recordWith(`evt-${i}`);
        const attributions = [{ attribute: 'userAgent' as const, insight: [{ value: 'ü'.repeat(length), average: 1 }], baseline: [] }];
        return { ...base, insightDetails: { ...base.insightDetails, insightContext: { ...base.insightDetails.insightContext, attributions } } };
      }),
    );
    fc.assert(
      fc.property(recordList, (recs) => {
        // Prepare
        const entries = recs.map((r) => ({
          id: r.eventID,
          entry: { Source: 'trail-insights', DetailType: 'AWS Insight via CloudTrail', Detail: JSON.stringify(r), Time: new Date(r.eventTime) },
        }));

        // Act
        const batches = batchBySize(entries, (e) => putEventsEntrySize(e.entry), PUT_EVENTS_LIMITS);

        // Assess
        for (const batch of batches) {
          expect(batch.length).toBeLessThanOrEqual(10);
          expect(batch.reduce((sum, e) => sum + putEventsEntrySize(e.entry), 0)).toBeLessThan(256 * 1024);
        }
        expect(batches.flat().map((e) => e.id)).toEqual(recs.map((r) => r.eventID));
      }),
      { numRuns: 200 },
    );
  });
});
