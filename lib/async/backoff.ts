/**
 * Pacing for the engine's own retries (PutEvents entries that failed, DynamoDB
 * transaction conflicts and unprocessed batch items), on top of the SDK's retries of
 * whole calls. One rule everywhere: retries are counted from 1, and retry `n` waits a
 * "full jitter" delay, a uniform draw from [0, min(capMs, baseMs · 2^(n−1))). Spreading
 * the draw over the whole window, rather than adding a little noise to a fixed delay,
 * keeps Lambdas that were throttled (or conflicted on one item) together from retrying
 * together (AWS Architecture Blog, "Exponential Backoff And Jitter").
 */

/** Waits `ms` milliseconds; injectable so tests need not wait. */
export type Sleep = (ms: number) => Promise<void>;

/** A uniform draw from [0, 1); injectable so tests can pin the jitter. */
export type Random = () => number;

export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Backoff {
  /** Window of the first retry; doubled for each further one. */
  baseMs: number;
  /** Largest window. */
  capMs: number;
}

/** Where a retry loop's waits come from: real time and `Math.random` unless a test says otherwise. */
export interface RetryPacing {
  sleep: Sleep;
  random: Random;
}

export const realPacing: RetryPacing = { sleep, random: Math.random };

/**
 * Delay before retry number `retry` (1 = the first retry).
 * @example backoffDelay(3, { baseMs: 100, capMs: 5_000 }, () => 0.5) // 200: half of 400 ms
 */
export function backoffDelay(retry: number, backoff: Backoff, random: Random = Math.random): number {
  const window = Math.min(backoff.capMs, backoff.baseMs * 2 ** (retry - 1));
  return Math.floor(random() * window);
}

/** Waits before retry number `retry`, with `pacing`'s clock and jitter. */
export function waitBeforeRetry(retry: number, backoff: Backoff, pacing: RetryPacing = realPacing): Promise<void> {
  return pacing.sleep(backoffDelay(retry, backoff, pacing.random));
}
