import type { HourStats } from './types.js';

/** Summarises the 60 per-minute counts of one hour. */
export function hourStatsOf(minutes: ArrayLike<number>): HourStats {
  if (minutes.length !== 60) throw new RangeError(`an hour has 60 minutes, got ${minutes.length}`);
  let count = 0;
  let sumSquares = 0;
  let peak1 = 0;
  let activeMinutes = 0;
  let longestIdle = 0;
  let run = 0;
  let leadingIdle = -1;
  let sum5 = 0;
  let sum15 = 0;
  let peak5 = 0;
  let peak15 = 0;
  for (let i = 0; i < 60; i++) {
    const n = minutes[i]!;
    count += n;
    sumSquares += n * n;
    if (n > peak1) peak1 = n;
    sum5 += n - (i >= 5 ? minutes[i - 5]! : 0);
    sum15 += n - (i >= 15 ? minutes[i - 15]! : 0);
    if (sum5 > peak5) peak5 = sum5;
    if (sum15 > peak15) peak15 = sum15;
    if (n > 0) {
      activeMinutes += 1;
      if (leadingIdle < 0) leadingIdle = run;
      run = 0;
    } else {
      run += 1;
      if (run > longestIdle) longestIdle = run;
    }
  }
  return {
    count,
    sumSquares,
    peak1,
    peak5,
    peak15,
    activeMinutes,
    leadingIdle: leadingIdle < 0 ? 60 : leadingIdle,
    trailingIdle: run,
    longestIdle,
  };
}
