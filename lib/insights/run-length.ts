/**
 * The two encodings of an insight context's per-minute arrays (see `context.ts`).
 *
 * Counts are mostly zero with short bursts, so they use a *zero-run* code: a literal count
 * stands for itself, a negative number `-k` stands for `k` zero minutes. A silent 7-hour
 * window is one number; a busy series costs one number per minute, as plain JSON would.
 *
 * Expected rates and bands come from an hourly model, so they are piecewise constant:
 * they use *value runs*, `[value, minutes, value, minutes, …]`, one pair per hour or
 * fewer.
 */

/** An encoded array that does not decode (odd length, a non-integer run, …). */
export class RunLengthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunLengthError';
  }
}

/**
 * Zero-run encoding of non-negative integer counts.
 * @example encodeZeroRuns([0, 0, 0, 4, 1, 0]) // → [-3, 4, 1, -1]
 */
export function encodeZeroRuns(counts: ArrayLike<number>): number[] {
  const out: number[] = [];
  let zeros = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i]!;
    if (count === 0) {
      zeros += 1;
      continue;
    }
    if (zeros > 0) out.push(-zeros);
    zeros = 0;
    out.push(count);
  }
  if (zeros > 0) out.push(-zeros);
  return out;
}

/**
 * Inverse of `encodeZeroRuns`.
 * @example decodeZeroRuns([-3, 4, 1, -1]) // → [0, 0, 0, 4, 1, 0]
 * @throws RunLengthError on a non-integer entry
 */
export function decodeZeroRuns(encoded: readonly number[]): number[] {
  const out: number[] = [];
  for (const entry of encoded) {
    if (!Number.isSafeInteger(entry)) throw new RunLengthError(`zero-run entry ${entry} is not an integer`);
    if (entry >= 0) out.push(entry);
    else for (let i = 0; i < -entry; i++) out.push(0);
  }
  return out;
}

/** Minutes a zero-run encoded array stands for, without decoding it. */
export const zeroRunLength = (encoded: readonly number[]): number => encoded.reduce((sum, entry) => sum + (entry < 0 ? -entry : 1), 0);

/**
 * Value-run encoding: consecutive equal values become one `[value, run]` pair.
 * @example encodeValueRuns([0.5, 0.5, 0.5, 2]) // → [0.5, 3, 2, 1]
 */
export function encodeValueRuns(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (out.length > 0 && out[out.length - 2] === value) out[out.length - 1]! += 1;
    else out.push(value, 1);
  }
  return out;
}

/**
 * Inverse of `encodeValueRuns`.
 * @throws RunLengthError on an odd length or a run that is not a positive integer
 */
export function decodeValueRuns(encoded: readonly number[]): number[] {
  if (encoded.length % 2 !== 0) throw new RunLengthError(`value runs come in [value, run] pairs; got ${encoded.length} numbers`);
  const out: number[] = [];
  for (let i = 0; i < encoded.length; i += 2) {
    const value = encoded[i]!;
    const run = encoded[i + 1]!;
    if (!Number.isFinite(value)) throw new RunLengthError(`value run ${i / 2} has a non-finite value`);
    if (!Number.isSafeInteger(run) || run < 1) throw new RunLengthError(`value run ${i / 2} has length ${run}; runs are positive integers`);
    for (let k = 0; k < run; k++) out.push(value);
  }
  return out;
}

/** Minutes a value-run encoded array stands for, without decoding it. */
export const valueRunLength = (encoded: readonly number[]): number => encoded.reduce((sum, entry, i) => (i % 2 === 1 ? sum + entry : sum), 0);
