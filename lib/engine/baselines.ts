import { applyRollups } from '../baseline/rollup.js';
import type { HourRollup, SeriesBaseline } from '../baseline/types.js';
import type { AccountRegion, EvaluateState } from '../store/store.js';
import { hourOf, type Minute } from '../time/minute.js';
import { AccountRegionView } from './account-region-view.js';
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

/**
 * What detection knows about an account-region as of `state` (its baselines, and the
 * models and rules built from them on demand), from the cache when its epoch is current.
 */
export async function viewOf(deps: EngineDeps, entry: AccountRegion, state: EvaluateState): Promise<AccountRegionView> {
  const epoch = state.baselineEpoch ?? 0;
  const cached = deps.cache?.viewAt(entry, epoch);
  if (cached !== undefined) return cached;
  const [stored, recent] = await Promise.all([deps.store.readBaselines(state.account, state.region), recentRollups(deps, state)]);
  return rememberedView(deps, entry, state, withRecentHours(stored, recent));
}

/** A view of these baselines, remembered under the state's epoch. */
export function rememberedView(deps: EngineDeps, entry: AccountRegion, state: EvaluateState, baselines: readonly SeriesBaseline[]): AccountRegionView {
  const view = new AccountRegionView(deps.config, entry, state, baselines);
  deps.cache?.rememberView(view, state.baselineEpoch ?? 0);
  return view;
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
