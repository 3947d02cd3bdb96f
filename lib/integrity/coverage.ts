/**
 * Which log files must appear in a digest. A digest lists the log files CloudTrail
 * delivered between its start and end times, and consecutive digests of a chain share
 * their boundary, so a log file delivered while a chain ran is listed by one of its
 * digests. One that is not was not written by CloudTrail.
 *
 * A log file's delivery time is known only from its name, to the minute
 * (`…_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_…`), and the name is written before the upload
 * ends. So a file is judged only when its whole minute lies inside a stretch of digests,
 * and not in the last `DELIVERY_MARGIN_MS` of that stretch: a file named at 14:59 may be
 * delivered after the 15:00:31 boundary, into a digest not read yet.
 */
import { parseLogFileName } from '../cloudtrail/log-key.js';

/** 15 minutes: CloudTrail uploads a file within seconds of naming it; the rest is caution against false alarms. */
export const DELIVERY_MARGIN_MS = 15 * 60_000;

export interface Window {
  /** Epoch milliseconds. */
  start: number;
  end: number;
}

/**
 * Joins windows that touch (a chain's digests share boundaries) into stretches.
 *
 * @example
 * ```ts
 * stretches([{ start: 0, end: 10 }, { start: 10, end: 20 }, { start: 40, end: 50 }]); // [{ start: 0, end: 20 }, { start: 40, end: 50 }]
 * ```
 */
export function stretches(windows: readonly Window[]): Window[] {
  const sorted = [...windows].sort((a, b) => a.start - b.start);
  const merged: Window[] = [];
  for (const window of sorted) {
    const last = merged.at(-1);
    // A second of slack: digest times are written to the second.
    if (last !== undefined && window.start <= last.end + 1_000) last.end = Math.max(last.end, window.end);
    else merged.push({ ...window });
  }
  return merged;
}

export interface Coverage {
  /** Log files delivered inside the digests' stretches that none of them lists. */
  unlisted: string[];
  /** Log files whose delivery falls outside every stretch (or in its last margin): not judged. */
  notCovered: string[];
}

/**
 * Sorts the log files present in a folder into listed, unlisted and not judged.
 *
 * @param present keys of log files present (other keys are ignored)
 * @param listed keys some digest lists
 * @param windows the digests' `[start, end]` windows whose lists are trusted
 * @param from only files delivered from this time on (epoch ms) are considered
 * @example
 * ```ts
 * coverage(keys, new Set(digest.logFiles.map((f) => f.s3Object)), [{ start, end }]).unlisted;
 * ```
 */
export function coverage(present: Iterable<string>, listed: ReadonlySet<string>, windows: readonly Window[], from = -Infinity): Coverage {
  const spans = stretches(windows);
  const result: Coverage = { unlisted: [], notCovered: [] };
  for (const key of present) {
    if (listed.has(key)) continue;
    const minute = parseLogFileName(key)?.deliveryMinute;
    if (minute === undefined) continue;
    const start = minute * 60_000;
    if (start < from) continue;
    const covered = spans.some((span) => start >= span.start && start + 60_000 + DELIVERY_MARGIN_MS <= span.end);
    (covered ? result.unlisted : result.notCovered).push(key);
  }
  return result;
}
