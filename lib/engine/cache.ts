import type { AccountRegion } from '../store/store.js';
import type { AccountRegionView } from './account-region-view.js';

/** Account-regions kept at most: a large organization's worth, about a few MB of baselines each. */
const MAX_ENTRIES = 2_000;

/**
 * What a process may remember between invocations (a warm Lambda container) or between
 * files (a replay), to save DynamoDB reads and CPU:
 * - registry entries, which never change once created;
 * - each account-region's detection view — its baselines and the models and rules built
 *   from them — keyed by the evaluate state's `baselineEpoch`, which evaluate changes
 *   whenever it changes a baseline or a rollup, so an epoch seen again means the view is
 *   still current. Models are thus built when hours roll, not on every file.
 * Both maps drop their oldest entries beyond `MAX_ENTRIES`.
 */
export class EngineCache {
  private readonly entries = new Map<string, AccountRegion>();
  private readonly views = new Map<string, { epoch: number; view: AccountRegionView }>();

  accountRegion(account: string, region: string): AccountRegion | undefined {
    return this.entries.get(`${account}|${region}`);
  }

  rememberAccountRegion(entry: AccountRegion): void {
    remember(this.entries, `${entry.account}|${entry.region}`, entry);
  }

  /** The view of an account-region at `epoch`, built for this same registry entry. */
  viewAt(entry: AccountRegion, epoch: number): AccountRegionView | undefined {
    const cached = this.views.get(`${entry.account}|${entry.region}`);
    if (cached?.epoch !== epoch) return undefined;
    const seen = cached.view.entry;
    return seen.firstMinute === entry.firstMinute && seen.accountFirstMinute === entry.accountFirstMinute ? cached.view : undefined;
  }

  rememberView(view: AccountRegionView, epoch: number): void {
    remember(this.views, `${view.entry.account}|${view.entry.region}`, { epoch, view });
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value!);
}
