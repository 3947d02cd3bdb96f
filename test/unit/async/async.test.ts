import { describe, expect, it } from 'vitest';
import { backoffDelay, waitBeforeRetry } from '../../../lib/async/backoff.js';
import { forEachBounded, settleBounded } from '../../../lib/async/bounded.js';

describe('Function: backoffDelay', () => {
  const testCases = [
    { retry: 1, random: 0.5, expected: 50, why: 'the first retry draws from the base window' },
    { retry: 2, random: 0.5, expected: 100, why: 'each retry doubles the window' },
    { retry: 4, random: 0.999, expected: 799, why: 'the draw stays below the window' },
    { retry: 9, random: 0.5, expected: 500, why: 'the window stops at the cap' },
    { retry: 3, random: 0, expected: 0, why: 'full jitter reaches down to no wait' },
  ];
  it.each(testCases)('retry $retry, random $random: $expected ms ($why)', ({ retry, random, expected }) => {
    expect(backoffDelay(retry, { baseMs: 100, capMs: 1_000 }, () => random)).toBe(expected);
  });

  it('waits through the injected clock', async () => {
    const waits: number[] = [];

    await waitBeforeRetry(3, { baseMs: 100, capMs: 1_000 }, { sleep: async (ms) => void waits.push(ms), random: () => 0.25 });

    expect(waits).toEqual([100]);
  });
});

describe('Function: settleBounded', () => {
  it('never runs more than the limit at once and reports every failure', async () => {
    // Prepare
    let running = 0;
    let peak = 0;
    const task = async (n: number) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 1));
      running--;
      if (n % 3 === 0) throw new Error(`failed ${n}`);
    };

    // Act
    const failures = await settleBounded([1, 2, 3, 4, 5, 6, 7], 2, task);

    // Assess
    expect(peak).toBe(2);
    expect(failures.map((f) => f.item).sort()).toEqual([3, 6]);
  });

  it('forEachBounded finishes every task, then throws the first failure', async () => {
    const done: number[] = [];
    const run = forEachBounded([1, 2, 3, 4], 2, async (n) => {
      if (n === 1) throw new Error('first');
      await new Promise((resolve) => setTimeout(resolve, 1));
      done.push(n);
    });

    await expect(run).rejects.toThrow('first');
    expect(done.sort()).toEqual([2, 3, 4]);
  });
});
