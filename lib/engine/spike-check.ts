import { CountWindow } from '../aggregate/count-window.js';
import type { Contribution } from '../aggregate/types.js';
import { findSpike, type Spike } from '../detect/detector.js';
import type { AccountRegion, EvaluateState, InsightState } from '../store/store.js';
import type { Minute } from '../time/minute.js';
import { readBaselineRollups, viewOf } from './baselines.js';
import type { EngineDeps } from './deps.js';
import { mayOpen, startInsight } from './insight-lifecycle.js';
import { owesRecords } from './publish-pending.js';

/** Detection at ingest never reads further back than this (minutes), however late evaluate is. */
const MAX_LOOKBACK_MINUTES = 6 * 60;

/**
 * Spike detection right after a file's counts are applied: only the series and minutes
 * the file touched, on counts that may still grow (so a spike found now stays one). This
 * is what makes a Start arrive seconds after the log file, not 30 minutes.
 * Returns the insights whose records must be published now (new, or left unpublished by
 * an earlier attempt).
 */
export async function checkSpikes(
  deps: EngineDeps,
  contribution: Contribution,
  entry: AccountRegion,
  state: EvaluateState,
): Promise<InsightState[]> {
  const { store, config } = deps;
  const { account, region } = contribution;
  const touched = contribution.series.filter((series) => series.minutes.length > 0);
  if (touched.length === 0) return [];
  const minTouched = Math.min(...touched.map((series) => series.minutes[0]!.minute));
  const maxTouched = Math.max(...touched.map((series) => series.minutes.at(-1)!.minute));
  const longest = Math.max(...config.windows);
  // Detection needs only the windows ending at the touched minutes; the older minutes a
  // Start's baseline figures need are read only when an insight actually opens (rare).
  const from = Math.max(minTouched - longest + 1, minTouched - MAX_LOOKBACK_MINUTES);
  const to = maxTouched + longest - 1;

  const [contributions, view] = await Promise.all([store.readContributions(account, region, from, to), viewOf(deps, entry, state)]);
  // Counts of the touched series only: the others cannot have a new spike.
  const ids = new Set(touched.map((series) => series.id));
  let window = CountWindow.of(contributions, from, to, ids);
  const lastData = lastMinuteWithData(contributions, from);

  const found: Array<[string, Spike]> = [];
  for (const series of touched) {
    const counts = window.counts(series.id);
    if (counts === undefined) continue;
    const first = series.minutes[0]!.minute;
    const last = series.minutes.at(-1)!.minute;
    const spike = findSpike({ counts, from }, view.model(series.id), view.rulesOf(series.id), first, Math.min(lastData, last + longest - 1));
    if (spike !== undefined) found.push([series.id, spike]);
  }
  // Insight states are read only when there is something to open (rare): anything an
  // earlier, crashed attempt left unpublished is swept up by evaluate within 5 minutes.
  if (found.length === 0) return [];
  const insights = await store.readInsights(account, region);
  const existing = new Map(insights.map((insight) => [insight.seriesId, insight]));
  const spikes = found.filter(([id, spike]) => mayOpen(existing.get(id), spike.start));
  const toPublish = insights.filter(
    (insight) => found.some(([id]) => id === insight.seriesId) && owesRecords(insight),
  );
  if (spikes.length === 0) return toPublish;

  const rollups = await readBaselineRollups(deps, account, region, state, view, spikes.map(([, spike]) => spike.start));
  // The minutes between the last rolled hour and the detection windows, for the baseline side.
  const unrolledFrom = state.rolledThroughHour === undefined ? from : Math.max((state.rolledThroughHour + 1) * 60, minTouched - MAX_LOOKBACK_MINUTES);
  if (unrolledFrom < from) {
    window = CountWindow.of([...contributions, ...(await store.readContributions(account, region, unrolledFrom, from - 1))], unrolledFrom, to, ids);
  }
  for (const [id, spike] of spikes) {
    const opened = await store.openInsight(
      startInsight({ view, id, kind: 'spike', start: spike.start, through: spike.end, window, rollups, location: entry.location }),
    );
    const insight = opened.created ? opened.state : opened.existing;
    if (!insight.startPublished && !toPublish.includes(insight)) toPublish.push(insight);
    if (opened.created) {
      deps.log.info('insight started', {
        account, region, seriesId: id, start: spike.start, window: spike.window,
        observed: spike.observed, expected: Number(spike.expected.toFixed(3)), log10P: Number((spike.logP / Math.LN10).toFixed(2)),
      });
    }
  }
  return toPublish;
}

/**
 * The latest minute with an event of any series of the account-region (not before
 * `from`): windows ending after it would test minutes no file has reached yet.
 */
function lastMinuteWithData(contributions: readonly Contribution[], from: Minute): Minute {
  let last = from;
  for (const contribution of contributions) {
    for (const series of contribution.series) last = Math.max(last, series.minutes.at(-1)?.minute ?? last);
  }
  return last;
}
