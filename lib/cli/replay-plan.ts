import type { Minute } from '../time/minute.js';

/** The schedule's period in Lambda (serverless.yml: rate(5 minutes)); a replay evaluates on the same grid. */
export const EVALUATE_EVERY_MINUTES = 5;

export interface PlannedFile {
  /** When the file became available: the stamp in its name, or its latest event. */
  deliveryMinute: Minute;
  /** Tie-break among files delivered the same minute (its key), so the order is total. */
  sortKey: string;
}

/**
 * A delivery hole longer than this is treated as missing data, not as hours of silence:
 * the schedule runs on for this long after the last delivery (so insights end and gaps are
 * found as they would be live), then the clock jumps to the next file. Without it, a
 * replay of files months apart would evaluate every 5 minutes of those months.
 */
export const MAX_HOLE_MINUTES = 6 * 60;

export type ReplayStep<F> = { kind: 'evaluate'; now: Minute } | { kind: 'ingest'; file: F };

/**
 * The order in which a replay drives the engine: files by delivery time, and the
 * scheduled evaluation at every multiple of `every` minutes up to each delivery, as the
 * Lambda schedule would have run between deliveries. The watermark therefore follows the
 * trail's own clock, so the same input always gives the same output, and the
 * end-to-end test drives the Lambda handlers through exactly these steps.
 * The last evaluation is at the last delivery: minutes after it are never closed, so the
 * end of an archive does not look like every series stopping. Holes longer than
 * `MAX_HOLE_MINUTES` are skipped.
 */
export function replayPlan<F extends PlannedFile>(files: readonly F[], every = EVALUATE_EVERY_MINUTES): Array<ReplayStep<F>> {
  const ordered = [...files].sort((a, b) => a.deliveryMinute - b.deliveryMinute || (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  const steps: Array<ReplayStep<F>> = [];
  if (ordered.length === 0) return steps;
  const grid = (minute: Minute) => Math.ceil(minute / every) * every;
  let tick = grid(ordered[0]!.deliveryMinute);
  let lastDelivery = ordered[0]!.deliveryMinute;
  for (const file of ordered) {
    for (; tick <= file.deliveryMinute; tick += every) {
      if (tick > lastDelivery + MAX_HOLE_MINUTES) tick = grid(file.deliveryMinute);
      steps.push({ kind: 'evaluate', now: tick });
    }
    steps.push({ kind: 'ingest', file });
    lastDelivery = file.deliveryMinute;
  }
  return steps;
}
