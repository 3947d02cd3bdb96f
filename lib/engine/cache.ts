import type { SeriesBaseline } from '../baseline/types.js';
import type { AccountRegion } from '../store/store.js';

/** Account-regions kept at most: a large organization's worth, about a few MB of baselines each. */
const MAX_ENTRIES = 2_000;

/**
 * What a warm Lambda container may remember between invocations, to save DynamoDB
 * reads (the largest item of the bill after writes):
 * - registry entries, which never change once created;
 * - baselines, keyed by the evaluate state's `baselineEpoch`, which evaluate changes
 *   whenever it changes a baseline or a rollup, so an epoch seen again means the baselines
 *   read with it are still current.
 * Both maps drop their oldest entries beyond `MAX_ENTRIES`.
 */
export class EngineCache {
  private readonly entries = new Map<string, AccountRegion>();
  private readonly baselines = new Map<string, { epoch: number; baselines: readonly SeriesBaseline[] }>();

  accountRegion(account: string, region: string): AccountRegion | undefined {
    return this.entries.get(`${account}|${region}`);
  }

  rememberAccountRegion(entry: AccountRegion): void {
    remember(this.entries, `${entry.account}|${entry.region}`, entry);
  }

  baselinesAt(account: string, region: string, epoch: number): readonly SeriesBaseline[] | undefined {
    const cached = this.baselines.get(`${account}|${region}`);
    return cached?.epoch === epoch ? cached.baselines : undefined;
  }

  rememberBaselines(account: string, region: string, epoch: number, baselines: readonly SeriesBaseline[]): void {
    remember(this.baselines, `${account}|${region}`, { epoch, baselines });
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value!);
}
