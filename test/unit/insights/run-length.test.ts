import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeValueRuns,
  decodeZeroRuns,
  encodeValueRuns,
  encodeZeroRuns,
  RunLengthError,
  valueRunLength,
  zeroRunLength,
} from '../../../lib/insights/run-length.js';

describe('Function: encodeZeroRuns', () => {
  const testCases: { counts: number[]; encoded: number[] }[] = [
    { counts: [], encoded: [] },
    { counts: [0, 0, 0], encoded: [-3] },
    { counts: [0, 0, 0, 4, 1, 0], encoded: [-3, 4, 1, -1] },
    { counts: [2, 0, 2], encoded: [2, -1, 2] },
  ];
  it.each(testCases)('encodes $counts as $encoded', ({ counts, encoded }) => {
    expect(encodeZeroRuns(counts)).toEqual(encoded);
    expect(decodeZeroRuns(encoded)).toEqual(counts);
    expect(zeroRunLength(encoded)).toBe(counts.length);
  });

  it('round-trips any counts', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(0), fc.nat(500)), { maxLength: 400 }), (counts) => {
        const encoded = encodeZeroRuns(counts);
        expect(decodeZeroRuns(encoded)).toEqual(counts);
        expect(zeroRunLength(encoded)).toBe(counts.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses a fractional entry', () => {
    expect(() => decodeZeroRuns([-2.5])).toThrow(RunLengthError);
  });
});

describe('Function: encodeValueRuns', () => {
  it('encodes an hourly step as one pair per step', () => {
    const values = [...Array<number>(60).fill(0.25), ...Array<number>(30).fill(0.5)];

    expect(encodeValueRuns(values)).toEqual([0.25, 60, 0.5, 30]);
    expect(valueRunLength([0.25, 60, 0.5, 30])).toBe(90);
  });

  it('round-trips any values', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0, 0.5, 1.25, 3), { maxLength: 300 }), (values) => {
        expect(decodeValueRuns(encodeValueRuns(values))).toEqual(values);
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['an odd length', [1, 2, 3], /pairs/],
    ['a zero run', [1, 0], /positive integers/],
    ['a fractional run', [1, 1.5], /positive integers/],
    ['a non-finite value', [Number.NaN, 1], /non-finite/],
  ])('refuses %s', (_name, encoded, message) => {
    expect(() => decodeValueRuns(encoded)).toThrow(message);
  });
});
