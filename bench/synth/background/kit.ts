import { MS_PER_DAY, MS_PER_MINUTE } from '../calendar.js';
import type { Rng } from '../rng.js';

/** Small helpers shared by the background behaviours. */

/** Calls `fn` with the start of every minute in [from, to). */
export function eachMinute(from: number, to: number, fn: (t: number) => void): void {
  const first = Math.ceil(from / MS_PER_MINUTE) * MS_PER_MINUTE;
  for (let t = first; t < to; t += MS_PER_MINUTE) fn(t);
}

/** Calls `fn` with every UTC day start in [from, to). */
export function eachDay(from: number, to: number, fn: (dayStart: number) => void): void {
  const first = Math.ceil(from / MS_PER_DAY) * MS_PER_DAY;
  for (let t = first; t < to; t += MS_PER_DAY) fn(t);
}

/** `n` sorted times spread over [t0, t0 + duration), at least `t0`. */
export function spread(rng: Rng, t0: number, durationMs: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(t0 + Math.floor(rng.next() * durationMs));
  return out.sort((a, b) => a - b);
}

/** A time inside the minute starting at `t`, to the second. */
export const inMinute = (rng: Rng, t: number): number => t + rng.int(0, 59_999);

/** A random integer in the inclusive range. */
export const between = (rng: Rng, [min, max]: readonly [number, number]): number => rng.int(min, max);

export const minutes = (n: number): number => n * MS_PER_MINUTE;
