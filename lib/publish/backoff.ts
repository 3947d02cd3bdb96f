/** Waits `ms` milliseconds; injectable so tests need not wait. */
export type Sleep = (ms: number) => Promise<void>;

export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Delay before retry number `retry` (1 = the first retry): "full jitter", a uniform draw
 * from [0, min(maxDelayMs, baseDelayMs * 2^(retry-1))). Spreading the draw over the whole
 * window, rather than adding a little noise to a fixed delay, keeps many Lambdas that were
 * throttled together from retrying together (AWS Architecture Blog, "Exponential Backoff
 * And Jitter").
 */
export function backoffDelay(retry: number, baseDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const window = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * window);
}
