import { minuteFromDate, minuteOf, type Minute } from '../time/minute.js';

/**
 * The clock an evaluation runs at: the `time` of the EventBridge scheduled event (the
 * minute it was scheduled for, so a delayed or retried run decides exactly what the
 * on-time run would have), or `fallback` when invoked without one.
 */
export function scheduleMinute(event: unknown, fallback: Date): Minute {
  const time = typeof event === 'object' && event !== null ? (event as { time?: unknown }).time : undefined;
  const minute = typeof time === 'string' ? minuteOf(time) : undefined;
  return minute ?? minuteFromDate(fallback);
}
