import { applyRollups } from '../baseline/rollup.js';
import type { HourRollup, SeriesBaseline } from '../baseline/types.js';
import type { EvaluateState } from '../store/store.js';
import { hourOf, type Minute } from '../time/minute.js';
import type { AccountRegionView } from './account-region-view.js';
import type { EngineDeps } from './deps.js';
import { rolledPart } from './insight-facts.js';

/**
 * Baselines as detection sees them: the stored items (complete through the state's
 * `checkpointHour`) with every hour rolled since then added from its rollup. The result
 * is the same as if every hour had been written into the baselines as it closed, at a
 * fraction of the writes (see `EvaluateState.checkpointHour`).
 */
export function withRecentHours(stored: readonly SeriesBaseline[], recent: readonly HourRollup[]): SeriesBaseline[] {
  const baselines = new Map(stored.map((baseline) => [baseline.id, baseline]));
  if (recent.length > 0) applyRollups(baselines, recent, Number.NEGATIVE_INFINITY);
  return [...baselines.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The rollups of hours rolled after the last checkpoint. */
export async function recentRollups(deps: EngineDeps, state: EvaluateState): Promise<HourRollup[]> {
  const { checkpointHour, rolledThroughHour } = state;
  if (checkpointHour === undefined || rolledThroughHour === undefined || rolledThroughHour <= checkpointHour) return [];
  return deps.store.readRollups(state.account, state.region, checkpointHour + 1, rolledThroughHour);
}

/** Baselines of an account-region as of `state`, from a warm container's cache when still current. */
export async function baselinesOf(deps: EngineDeps, state: EvaluateState): Promise<readonly SeriesBaseline[]> {
  const epoch = state.baselineEpoch ?? 0;
  const cached = deps.cache?.baselinesAt(state.account, state.region, epoch);
  if (cached !== undefined) return cached;
  const [stored, recent] = await Promise.all([deps.store.readBaselines(state.account, state.region), recentRollups(deps, state)]);
  const baselines = withRecentHours(stored, recent);
  deps.cache?.rememberBaselines(state.account, state.region, epoch, baselines);
  return baselines;
}

/** The rollups that Start records' baseline sides need (read only when an insight opens: rare). */
export async function readBaselineRollups(
  deps: EngineDeps,
  account: string,
  region: string,
  state: EvaluateState,
  view: AccountRegionView,
  starts: readonly Minute[],
): Promise<HourRollup[]> {
  if (state.rolledThroughHour === undefined || starts.length === 0) return [];
  const parts = starts.map((start) => rolledPart(start, { ...view.config, rolledThroughHour: state.rolledThroughHour, observedFrom: view.observedFrom }));
  const firstHour = Math.min(...parts.map((part) => part.firstHour));
  const lastHour = Math.max(...parts.map((part) => part.lastHour));
  if (lastHour < firstHour) return [];
  return deps.store.readRollups(account, region, firstHour, Math.min(lastHour, hourOf(Math.max(...starts))));
}
