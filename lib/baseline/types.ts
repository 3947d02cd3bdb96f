import type { Attributions } from '../aggregate/types.js';
import type { SeriesId } from '../series/series.js';
import type { Hour } from '../time/minute.js';

/**
 * What one closed hour of one series leaves behind for the baseline: enough for rates,
 * minute-level dispersion, burst peaks at several window lengths, and regularity, in nine
 * integers.
 */
export interface HourStats {
  /** Events in the hour. */
  count: number;
  /** Sum over the hour's minutes of count², for minute-level variance. */
  sumSquares: number;
  /** Largest 1-, 5- and 15-minute window sums inside the hour. */
  peak1: number;
  peak5: number;
  peak15: number;
  /** Minutes of the hour with at least one event. */
  activeMinutes: number;
  /**
   * Zero-event minutes at the start and end of the hour, and the longest zero run inside
   * it: stitched across hours they give the longest silence a series has had, which is
   * what a missed run of a periodic job must exceed.
   */
  leadingIdle: number;
  trailingIdle: number;
  longestIdle: number;
}

/**
 * The rolling baseline of one series: its closed hours with activity inside the
 * retention window, ascending. Hours absent here were closed with zero events (if after
 * the account-region was first seen) or not observed.
 */
export interface SeriesBaseline {
  id: SeriesId;
  hours: Array<[Hour, HourStats]>;
}

/** Everything one closed hour of an account-region added up to, per series. */
export interface HourRollup {
  hour: Hour;
  series: Array<{ id: SeriesId; stats: HourStats; attributions: Attributions }>;
}
