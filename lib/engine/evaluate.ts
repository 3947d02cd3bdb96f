import { CountWindow } from '../aggregate/count-window.js';
import { applyRollups, rollupHour } from '../baseline/rollup.js';
import type { HourRollup, SeriesBaseline } from '../baseline/types.js';
import { findGap, findGapEnd, findSpikeEnd, type Gap } from '../detect/detector.js';
import type { InsightRecord } from '../insights/record.js';
import type { AccountRegion, DirtyHour, EvaluateState, InsightState } from '../store/store.js';
import { hourOf, type Hour, type Minute } from '../time/minute.js';
import type { AccountRegionView } from './account-region-view.js';
import { readBaselineRollups, recentRollups, rememberedView, viewOf, withRecentHours } from './baselines.js';
import type { EngineDeps } from './deps.js';
import { endInsight, mayOpen, startInsight } from './insight-lifecycle.js';
import { owesRecords, publishPending } from './publish-pending.js';

/**
 * Baseline items are rewritten once this many hours have rolled since the last checkpoint:
 * a write per active series per day instead of per hour (the hours in between are read
 * from their hourly rollups, so detection sees the same data).
 */
const CHECKPOINT_HOURS = 24;
/** Hours rolled per account-region per run, so a long-idle evaluator catches up in bounded steps. */
const MAX_HOURS_PER_RUN = 48;
/**
 * Late data older than this is not rolled again: contributions expire after a few days,
 * and re-rolling an hour whose other contributions are gone would shrink it.
 */
const DIRTY_HORIZON_HOURS = 48;
/** Minutes loaded before an end's quiet window, so a burst just before it is seen. */
const QUIET_MARGIN_MINUTES = 15;

export interface EvaluateOutcome {
  accountRegions: number;
  rolledHours: number;
  published: InsightRecord[];
  /** Account-regions skipped because another evaluation was running on them. */
  conflicts: number;
}

/**
 * The scheduled evaluation at clock `now` (the schedule's time in Lambda, the trail's
 * delivery clock in a replay): for every account-region, close the minutes that are past
 * the watermark (`now − latenessMinutes`), roll closed hours into baselines, end insights
 * that returned to normal, open insights for regular activity that stopped, and publish
 * whatever is still owed. Every step is idempotent, so a crashed run is simply redone.
 */
export async function evaluateAll(deps: EngineDeps, now: Minute): Promise<EvaluateOutcome> {
  const entries = (await deps.store.listAccountRegions()).sort((a, b) =>
    a.account === b.account ? (a.region < b.region ? -1 : 1) : a.account < b.account ? -1 : 1,
  );
  const outcome: EvaluateOutcome = { accountRegions: entries.length, rolledHours: 0, published: [], conflicts: 0 };
  for (const entry of entries) {
    const result = await evaluateAccountRegion(deps, entry, now);
    outcome.rolledHours += result.rolledHours;
    outcome.published.push(...result.published);
    if (result.conflict) outcome.conflicts += 1;
  }
  return outcome;
}

interface RegionOutcome {
  rolledHours: number;
  published: InsightRecord[];
  conflict: boolean;
}

export async function evaluateAccountRegion(deps: EngineDeps, entry: AccountRegion, now: Minute): Promise<RegionOutcome> {
  const closed = now - deps.config.latenessMinutes;
  const result: RegionOutcome = { rolledHours: 0, published: [], conflict: false };
  if (closed < entry.firstMinute) return result;
  let state: EvaluateState | undefined = await deps.store.readState(entry.account, entry.region);

  const rolled = await rollClosedHours(deps, entry, state, closed);
  if (rolled === undefined) return { ...result, conflict: true };
  state = rolled.state;
  result.rolledHours = rolled.hours;

  // Ends and gaps are decided on every run; deciding them again is idempotent, so the
  // state is saved only when hours roll (a write per hour, not per run) and its version
  // then tells caches the baselines changed.
  const decided = await decideClosedMinutes(deps, entry, state, closed, rolled.view);
  result.published = decided.published;
  return result;
}

/** Rolls every closed hour not rolled yet (and dirty ones again) into rollups and baselines. */
async function rollClosedHours(
  deps: EngineDeps,
  entry: AccountRegion,
  initial: EvaluateState,
  closed: Minute,
): Promise<{ state: EvaluateState; hours: number; view?: AccountRegionView } | undefined> {
  const { store, config, log } = deps;
  const { account, region } = entry;
  let state = initial;
  const lastClosedHour = Math.floor((closed + 1) / 60) - 1;
  const firstNew = state.rolledThroughHour !== undefined ? state.rolledThroughHour + 1 : hourOf(entry.firstMinute);
  const rollTo = Math.min(lastClosedHour, firstNew + MAX_HOURS_PER_RUN - 1);
  // Late data is rolled again with the next hour (dirty marks are listed when hours roll,
  // not on every 5-minute run).
  if (rollTo < firstNew) return { state, hours: 0 };
  const dirty = await store.listDirty(account, region);
  const horizon = lastClosedHour - DIRTY_HORIZON_HOURS;
  const stale = dirty.filter((mark) => mark.hour < horizon);
  if (stale.length > 0) log.warn('late data beyond the re-roll horizon is left out of baselines', { account, region, hours: stale.map((m) => m.hour) });
  const reroll = [...new Set(dirty.filter((mark) => mark.hour >= horizon && mark.hour < firstNew).map((mark) => mark.hour))];
  // Phase one of the two-phase roll: announce the hours before reading them.
  const rolling = Math.max(state.rollingThroughHour ?? rollTo, rollTo);
  const announced = await store.saveState({ ...state, rollingThroughHour: rolling });
  if (announced === undefined) return undefined;
  state = { ...state, rollingThroughHour: rolling, version: announced };
  const ranges: Array<[Hour, Hour]> = reroll.sort((a, b) => a - b).map((hour) => [hour, hour]);
  ranges.push([firstNew, rollTo]);

  const rollups: HourRollup[] = [];
  for (const [fromHour, toHour] of ranges) {
    const from = fromHour * 60;
    const to = toHour * 60 + 59;
    const window = CountWindow.of(await store.readContributions(account, region, from, to), from, to);
    for (let hour = fromHour; hour <= toHour; hour++) rollups.push(rollupHour(window, hour, config.attributionLimit));
  }
  for (const rollup of rollups) {
    if (rollup.series.length > 0) await store.writeRollup(account, region, rollup);
  }

  // Baseline items are written at a daily checkpoint (all hours since the last one), or
  // at once for late hours at or before it; hours after it are read from their rollups.
  const rolledThroughHour = Math.max(state.rolledThroughHour ?? rollTo, rollTo);
  const stored = new Map((await store.readBaselines(account, region)).map((baseline) => [baseline.id, baseline]));
  const checkpoint = state.checkpointHour;
  const late = checkpoint === undefined ? [] : rollups.filter((rollup) => rollup.hour <= checkpoint);
  const due = checkpoint === undefined || rolledThroughHour - checkpoint >= CHECKPOINT_HOURS;
  const changed = new Map(applyRollups(stored, late, Number.NEGATIVE_INFINITY).map((baseline) => [baseline.id, baseline]));
  let checkpointHour = checkpoint;
  if (due) {
    const since = await store.readRollups(account, region, checkpoint === undefined ? hourOf(entry.firstMinute) : checkpoint + 1, rolledThroughHour);
    const keepFrom = lastClosedHour - (config.baselineDays + 1) * 24 + 1;
    for (const baseline of applyRollups(stored, since, keepFrom)) changed.set(baseline.id, baseline);
    checkpointHour = rolledThroughHour;
  }
  await store.writeBaselines(account, region, [...changed.values()]);
  const handled: DirtyHour[] = dirty.filter((mark) => mark.hour <= rollTo);
  if (handled.length > 0) await store.clearDirty(account, region, handled);

  // Phase two: the hours are rolled, and a new epoch tells caches the baselines changed.
  const next: EvaluateState = {
    ...state,
    rolledThroughHour,
    closedThrough: closed,
    baselineEpoch: (state.baselineEpoch ?? 0) + 1,
    ...(checkpointHour !== undefined && { checkpointHour }),
  };
  const version = await store.saveState(next);
  if (version === undefined) return undefined;
  state = { ...next, version };
  const current = withRecentHours(
    [...stored.values()].filter((baseline) => baseline.hours.length > 0),
    await recentRollups(deps, state),
  );
  return { state, hours: rollups.length, view: rememberedView(deps, entry, state, current) };
}

/** Ends insights whose series returned to normal and opens gap insights, on closed minutes. */
async function decideClosedMinutes(
  deps: EngineDeps,
  entry: AccountRegion,
  state: EvaluateState,
  closed: Minute,
  rolled?: AccountRegionView,
): Promise<{ published: InsightRecord[] }> {
  const { store, config, log } = deps;
  const { account, region } = entry;
  const [view, insights] = await Promise.all([rolled ?? viewOf(deps, entry, state), store.readInsights(account, region)]);

  const open = insights.filter((insight) => insight.status === 'open');
  // Only regular series can have gaps; an active-hour count is enough to rule most out
  // before building their models.
  const observedHours = view.observedHours();
  const candidates = view
    .baselineIds()
    .filter((id) => view.hourCount(id) >= config.gaps.minActiveHourFraction * observedHours)
    .filter((id) => view.model(id).activeHourFraction >= view.rulesOf(id).gaps.minActiveHourFraction);
  // Only the minutes not yet rolled into the baselines are read (plus an open insight's
  // span, to end it): where a silent series' last event was is known from its baseline.
  const unrolledFrom = state.rolledThroughHour === undefined ? entry.firstMinute : (state.rolledThroughHour + 1) * 60;
  const from = Math.max(
    Math.min(unrolledFrom, closed - config.endQuietMinutes - QUIET_MARGIN_MINUTES, ...open.map((insight) => insight.startMinute)),
    closed - config.maxInsightMinutes - config.endQuietMinutes,
  );
  // Nothing to end and no regular series to watch (a quiet region): the minutes need not be read.
  const needed = open.length > 0 || candidates.length > 0;
  const window = CountWindow.of(needed ? await store.readContributions(account, region, from, closed) : [], from, closed);
  const zeros = new Float64Array(window.length);
  const countsOf = (id: string) => ({ counts: window.counts(id) ?? zeros, from });

  const owed: InsightState[] = [];
  const current = new Map(insights.map((insight) => [insight.seriesId, insight]));
  for (const insight of open.sort((a, b) => (a.seriesId < b.seriesId ? -1 : 1))) {
    const rules = view.rulesOf(insight.seriesId);
    const end =
      insight.kind === 'spike'
        ? findSpikeEnd(countsOf(insight.seriesId), view.model(insight.seriesId), rules, insight.startMinute, closed)
        : findGapEnd(countsOf(insight.seriesId), rules, insight.startMinute, closed);
    if (end === undefined) continue;
    const ended = endInsight(insight, end, window, config.attributionLimit);
    const version = await store.updateInsight(ended);
    if (version === undefined) continue; // moved on concurrently; decided again next run
    current.set(insight.seriesId, { ...ended, version });
    owed.push({ ...ended, version });
    log.info('insight ended', { account, region, seriesId: insight.seriesId, start: insight.startMinute, end });
  }

  const gaps: Array<[string, Gap]> = [];
  for (const id of candidates) {
    const gap = findGap(countsOf(id), view.model(id), view.rulesOf(id), closed, view.model(id).lastEvent);
    if (gap === undefined || !mayOpen(current.get(id), gap.start)) continue;
    // A job that stops is one series falling silent while its account-region goes on.
    // When everything falls silent together, it is log delivery that stopped (a trail
    // disabled, an archive's end): one warning, not an insight per series.
    if (!activeSince(window, gap.start + Math.floor((closed - gap.start) / 2), closed)) {
      log.warn('no activity at all in this account-region: not reporting gaps', { account, region, silentSince: gap.start });
      break;
    }
    gaps.push([id, gap]);
  }
  if (gaps.length > 0) {
    const rollups = await readBaselineRollups(deps, account, region, state, view, gaps.map(([, gap]) => gap.start));
    for (const [id, gap] of gaps) {
      const opened = await store.openInsight(
        startInsight({ view, id, kind: 'drop', start: gap.start, through: gap.end, window, rollups, location: entry.location }),
      );
      if (!opened.created) continue;
      owed.push(opened.state);
      log.info('insight started', { account, region, seriesId: id, kind: 'drop', start: gap.start, silentMinutes: gap.end - gap.start + 1 });
    }
  }

  // Sweep: anything an earlier, crashed invocation left unpublished is owed too.
  for (const insight of insights) {
    if (owesRecords(insight) && !owed.some((state) => state.seriesId === insight.seriesId)) owed.push(current.get(insight.seriesId)!);
  }
  return { published: await publishPending(store, deps.publisher, owed, log) };
}

/** Whether any series of the window had an event in `[from, to]`. */
function activeSince(window: CountWindow, from: Minute, to: Minute): boolean {
  return window.seriesIds().some((id) => window.sum(id, from, to) > 0);
}
