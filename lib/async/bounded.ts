/**
 * Runs `task` on every item with at most `limit` running at once, and reports each
 * failure instead of stopping at the first: the callers' tasks are idempotent writes or
 * reads, so finishing the others leaves less for a retry to redo, and no task is left
 * running unobserved after the call returns.
 */
export async function settleBounded<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<{ item: T; error: unknown }[]> {
  const failures: { item: T; error: unknown }[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      try {
        await task(item);
      } catch (error) {
        failures.push({ item, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return failures;
}

/** {@link settleBounded}, then throws the first failure if any task failed. */
export async function forEachBounded<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  const [first] = await settleBounded(items, limit, task);
  if (first !== undefined) throw first.error;
}
