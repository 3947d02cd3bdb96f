/**
 * Retry pacing for the store's own retries (unprocessed batch items, transaction
 * conflicts), on top of the SDK's. "Full jitter" (a random delay up to an exponential
 * cap) spreads racing Lambdas apart, which is the point when they conflict on one item.
 */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function backoffMs(attempt: number, baseMs = 25, capMs = 1_000): number {
  return Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
}

/** Runs `task` over `items` with at most `limit` in flight, failing on the first error. */
export async function forEachLimit<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
