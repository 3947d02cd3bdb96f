import type { SeriesId } from '../series/series.js';
import type { Minute } from '../time/minute.js';
import { mergeValueCounts } from './top-k.js';
import type { Attributions, Contribution, MinuteCount } from './types.js';

interface SeriesEntry {
  counts: Float64Array;
  cells: MinuteCount[];
}

/**
 * The summed per-minute counts of every series of one account-region over
 * `[from, to]`, built from contributions: the dense view detection, rollups and insight
 * statistics read.
 */
export class CountWindow {
  private readonly entries = new Map<SeriesId, SeriesEntry>();

  constructor(
    readonly from: Minute,
    readonly to: Minute,
  ) {
    if (to < from) throw new RangeError(`empty window ${from}..${to}`);
  }

  /** The window of these contributions' counts (of the `only` series, when given). */
  static of(contributions: Iterable<Contribution>, from: Minute, to: Minute, only?: ReadonlySet<SeriesId>): CountWindow {
    const window = new CountWindow(from, to);
    for (const contribution of contributions) window.add(contribution, only);
    return window;
  }

  get length(): number {
    return this.to - this.from + 1;
  }

  add(contribution: Contribution, only?: ReadonlySet<SeriesId>): void {
    for (const series of contribution.series) {
      if (only !== undefined && !only.has(series.id)) continue;
      for (const cell of series.minutes) {
        if (cell.minute < this.from || cell.minute > this.to) continue;
        let entry = this.entries.get(series.id);
        if (entry === undefined) {
          entry = { counts: new Float64Array(this.length), cells: [] };
          this.entries.set(series.id, entry);
        }
        entry.counts[cell.minute - this.from]! += cell.count;
        entry.cells.push(cell);
      }
    }
  }

  /** Series with at least one event in the window, sorted. */
  seriesIds(): SeriesId[] {
    return [...this.entries.keys()].sort();
  }

  /** Per-minute counts (index 0 = `from`), or undefined when the series had no event. */
  counts(id: SeriesId): Float64Array | undefined {
    return this.entries.get(id)?.counts;
  }

  /** Events of a series in `[a, b]` (clipped to the window). */
  sum(id: SeriesId, a: Minute, b: Minute): number {
    const counts = this.entries.get(id)?.counts;
    if (counts === undefined) return 0;
    let total = 0;
    for (let m = Math.max(a, this.from); m <= Math.min(b, this.to); m++) total += counts[m - this.from]!;
    return total;
  }

  /** Attribution counts of a series over `[a, b]`, each list the `limit` largest. */
  attributions(id: SeriesId, a: Minute, b: Minute, limit: number): Attributions {
    const cells = (this.entries.get(id)?.cells ?? []).filter((cell) => cell.minute >= a && cell.minute <= b);
    return {
      userIdentityArn: mergeValueCounts(cells.map((c) => c.attributions.userIdentityArn), limit),
      userAgent: mergeValueCounts(cells.map((c) => c.attributions.userAgent), limit),
      errorCode: mergeValueCounts(cells.map((c) => c.attributions.errorCode), limit),
    };
  }
}
