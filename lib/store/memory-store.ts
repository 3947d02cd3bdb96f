import type { Contribution, SeriesCounts } from '../aggregate/types.js';
import type { HourRollup, SeriesBaseline } from '../baseline/types.js';
import type { LogLocation } from '../cloudtrail/location.js';
import type { SeriesId } from '../series/series.js';
import { dayOf, type Hour, type Minute } from '../time/minute.js';
import {
  DEFAULT_MAX_ITEM_BYTES,
  fitsWithoutSplitting,
  mergeParts,
  planApply,
  validateContributions,
} from './contribution-items.js';
import { pad } from './keys.js';
import { DEFAULT_RETENTION_DAYS, expiresAt, type RetentionDays } from './retention.js';
import type {
  AccountRegion,
  ApplyResult,
  DirtyHour,
  EvaluateState,
  InsightState,
  OpenResult,
  QuarantineRecord,
  Store,
} from './store.js';

export interface MemoryStoreOptions {
  /**
   * Item size limit used to split contributions, as in `DynamoDbStore`, so the CLI
   * refuses (`ContributionTooLargeError`) exactly what Lambda refuses.
   */
  maxItemBytes?: number;
  /**
   * The clock TTLs are measured against, epoch milliseconds (default `Date.now`). A replay
   * passes its own clock (the trail's delivery time), so the store forgets what the
   * deployed table's TTLs would have deleted by then, and memory depends on the baseline
   * window and the number of series, not on the trail's length.
   */
  now?: () => number;
  retentionDays?: Partial<RetentionDays>;
}

interface Registered {
  account: string;
  region: string;
  firstMinute: Minute;
  location: LogLocation;
}

interface StoredContribution {
  objectId: string;
  series: readonly SeriesCounts[];
  min: Minute;
  max: Minute;
}

/** A value that expires, with its expiry in epoch seconds. */
interface Expiring<T> {
  value: T;
  expiresAt: number;
}

/** Distinct strings interned at most; beyond, the table starts again (memory stays bounded on hostile input). */
const MAX_INTERNED = 100_000;

/** Expired items are swept at most this often (of the store's clock): TTL deletion is lazy in DynamoDB too. */
const SWEEP_EVERY_MS = 60 * 60_000;

/**
 * The store for the local CLI and unit tests, with DynamoDB's semantics: an object's
 * counts are applied once, refused when DynamoDB would refuse them, and forgotten when
 * the table's TTL would delete them.
 *
 * Values are kept as they were written, deep-frozen, and read back without copying: a
 * replay reads the same baselines and contributions thousands of times, and the codec
 * round trip the store once made on every read and write was a large share of a replay's
 * CPU. Freezing keeps the no-aliasing promise: a caller that tried to modify what it wrote
 * or read throws instead of corrupting the store.
 *
 * Each method does all its reads and writes without awaiting in between, which makes
 * it atomic under JavaScript's single thread — the memory analogue of a conditional write.
 */
export class MemoryStore implements Store {
  private readonly maxItemBytes: number;
  private readonly now: () => number;
  private readonly retention: RetentionDays;
  private nextSweep = Number.NEGATIVE_INFINITY;
  private readonly strings = new Map<string, string>();
  /**
   * `account#region#day` → what each object added that day, sorted by its last minute
   * (as DynamoDB's sort key is): a read finds the first item that reaches its window by
   * binary search instead of scanning the day. Files arrive roughly in time order, so an
   * insert is nearly always an append.
   */
  private readonly contributions = new Map<string, Array<Expiring<StoredContribution>>>();
  /** Object id → when its counts (and so its exactly-once record) expire. */
  private readonly applied = new Map<string, number>();
  private readonly quarantined = new Map<string, Expiring<QuarantineRecord>>();
  private readonly regions = new Map<string, Registered>();
  private readonly accounts = new Map<string, Minute>();
  private readonly states = new Map<string, EvaluateState>();
  private readonly dirty = new Map<string, Map<string, DirtyHour>>();
  private readonly baselines = new Map<string, Map<SeriesId, SeriesBaseline['hours']>>();
  private readonly rollups = new Map<string, Map<Hour, Expiring<HourRollup['series']>>>();
  /** Open insights never expire; ended ones carry their expiry. */
  private readonly insights = new Map<string, Map<SeriesId, Expiring<InsightState>>>();

  constructor(options: MemoryStoreOptions = {}) {
    this.maxItemBytes = options.maxItemBytes ?? DEFAULT_MAX_ITEM_BYTES;
    this.now = options.now ?? Date.now;
    this.retention = { ...DEFAULT_RETENTION_DAYS, ...options.retentionDays };
  }

  async applyFile(objectId: string, contributions: readonly Contribution[]): Promise<ApplyResult> {
    this.sweep();
    validateContributions(objectId, contributions);
    // Throws `ContributionTooLargeError` where DynamoDB would; encoding is paid only near the limits.
    if (!fitsWithoutSplitting(objectId, contributions, this.maxItemBytes)) planApply(objectId, contributions, this.maxItemBytes);
    const nonEmpty = contributions.filter((contribution) => contribution.series.some((series) => series.minutes.length > 0));
    // Like DynamoDB, an object with nothing to count leaves no trace (not even a ledger).
    if (nonEmpty.length === 0) return 'applied';
    if (this.applied.has(objectId)) return 'already-applied';
    let latest = Number.NEGATIVE_INFINITY;
    for (const contribution of nonEmpty) {
      for (const [day, stored] of byDay(objectId, contribution)) {
        const expiry = expiresAt((stored.max + 1) * 60, this.now(), this.retention.contributions);
        latest = Math.max(latest, expiry);
        const key = `${contribution.account}#${contribution.region}#${day}`;
        let items = this.contributions.get(key);
        if (!items) this.contributions.set(key, (items = []));
        const item = { value: freezeCounts(this.interned(stored)), expiresAt: expiry };
        const at = firstReaching(items, stored.max + 1);
        if (at === items.length) items.push(item);
        else items.splice(at, 0, item);
      }
    }
    this.applied.set(objectId, latest);
    return 'applied';
  }

  /**
   * The same series ids and attribution values (ARNs, user agents, error codes) recur in
   * every file: each parsed record brings its own copy of the string, and strings were
   * the largest share of a replay's heap. Stored counts share one copy of each.
   */
  private interned(stored: StoredContribution): StoredContribution {
    const intern = (value: string): string => {
      const known = this.strings.get(value);
      if (known !== undefined) return known;
      if (this.strings.size >= MAX_INTERNED) this.strings.clear();
      this.strings.set(value, value);
      return value;
    };
    for (const series of stored.series as SeriesCounts[]) {
      series.id = intern(series.id);
      for (const cell of series.minutes) {
        // Counts applied again after they expired are already frozen, and already interned.
        if (Object.isFrozen(cell)) continue;
        const { userIdentityArn, userAgent, errorCode } = cell.attributions;
        for (const list of [userIdentityArn, userAgent, errorCode]) for (const pair of list) pair[0] = intern(pair[0]);
      }
    }
    return stored;
  }

  async readContributions(account: string, region: string, from: Minute, to: Minute): Promise<Contribution[]> {
    this.sweep();
    const parts: StoredContribution[] = [];
    for (let day = dayOf(from); day <= dayOf(to); day++) {
      const items = this.contributions.get(`${account}#${region}#${day}`);
      if (items === undefined) continue;
      for (let i = firstReaching(items, from); i < items.length; i++) {
        const { value } = items[i]!;
        if (value.min <= to) parts.push(value);
      }
    }
    return mergeParts(account, region, parts, from, to, (part) => part.series);
  }

  async hasCounts(objectId: string, account: string, region: string, from: Minute, to: Minute): Promise<boolean> {
    this.sweep();
    for (let day = dayOf(from); day <= dayOf(to); day++) {
      const items = this.contributions.get(`${account}#${region}#${day}`) ?? [];
      for (let i = firstReaching(items, from); i < items.length && items[i]!.value.max <= to; i++) {
        if (items[i]!.value.objectId === objectId) return true;
      }
    }
    return false;
  }

  async quarantine(record: QuarantineRecord): Promise<void> {
    this.sweep();
    const expiry = expiresAt(record.minute * 60, this.now(), this.retention.quarantine);
    this.quarantined.set(record.objectId, { value: deepFreeze({ ...record }), expiresAt: expiry });
  }

  async readQuarantine(objectId: string): Promise<QuarantineRecord | undefined> {
    this.sweep();
    return this.quarantined.get(objectId)?.value;
  }

  async touch(account: string, region: string, minute: Minute, location: LogLocation): Promise<AccountRegion> {
    const key = `${account}#${region}`;
    if (!this.accounts.has(account)) this.accounts.set(account, minute);
    let registered = this.regions.get(key);
    if (!registered) this.regions.set(key, (registered = deepFreeze({ account, region, firstMinute: minute, location: { ...location } })));
    return this.entry(registered);
  }

  async listAccountRegions(): Promise<AccountRegion[]> {
    return [...this.regions].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, registered]) => this.entry(registered));
  }

  private entry({ account, region, firstMinute, location }: Registered): AccountRegion {
    return { account, region, firstMinute, accountFirstMinute: this.accounts.get(account) ?? firstMinute, location };
  }

  async readState(account: string, region: string): Promise<EvaluateState> {
    return this.states.get(`${account}#${region}`) ?? { account, region, version: 0 };
  }

  async saveState(state: EvaluateState): Promise<number | undefined> {
    const key = `${state.account}#${state.region}`;
    const version = this.states.get(key)?.version ?? 0;
    if (version !== state.version) return undefined;
    this.states.set(key, deepFreeze({ ...state, version: version + 1 }));
    return version + 1;
  }

  async markDirty(account: string, region: string, dirty: DirtyHour): Promise<void> {
    const key = `${account}#${region}`;
    let marks = this.dirty.get(key);
    if (!marks) this.dirty.set(key, (marks = new Map()));
    marks.set(dirtyKey(dirty), { hour: dirty.hour, objectId: dirty.objectId });
  }

  async listDirty(account: string, region: string): Promise<DirtyHour[]> {
    const marks = this.dirty.get(`${account}#${region}`);
    if (!marks) return [];
    return [...marks].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, mark]) => ({ ...mark }));
  }

  async clearDirty(account: string, region: string, dirty: readonly DirtyHour[]): Promise<void> {
    const marks = this.dirty.get(`${account}#${region}`);
    for (const mark of dirty) marks?.delete(dirtyKey(mark));
  }

  async readBaselines(account: string, region: string): Promise<SeriesBaseline[]> {
    const items = this.baselines.get(`${account}#${region}`);
    if (!items) return [];
    return [...items].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([id, hours]) => ({ id, hours }));
  }

  async writeBaselines(account: string, region: string, baselines: readonly SeriesBaseline[]): Promise<void> {
    const key = `${account}#${region}`;
    let items = this.baselines.get(key);
    if (!items) this.baselines.set(key, (items = new Map()));
    for (const baseline of baselines) {
      // An empty baseline is deleted, as DynamoDB deletes its item.
      if (baseline.hours.length === 0) items.delete(baseline.id);
      else items.set(baseline.id, deepFreeze(baseline.hours));
    }
  }

  async writeRollup(account: string, region: string, rollup: HourRollup): Promise<void> {
    this.sweep();
    pad(rollup.hour, 'hour');
    const key = `${account}#${region}`;
    let items = this.rollups.get(key);
    if (!items) this.rollups.set(key, (items = new Map()));
    items.set(rollup.hour, { value: deepFreeze(rollup.series), expiresAt: expiresAt((rollup.hour + 1) * 3_600, this.now(), this.retention.rollups) });
  }

  async readRollups(account: string, region: string, fromHour: Hour, toHour: Hour): Promise<HourRollup[]> {
    this.sweep();
    const items = this.rollups.get(`${account}#${region}`);
    if (!items) return [];
    const rollups: HourRollup[] = [];
    for (const [hour, { value }] of items) if (hour >= fromHour && hour <= toHour) rollups.push({ hour, series: value });
    return rollups.sort((a, b) => a.hour - b.hour);
  }

  async openInsight(state: Omit<InsightState, 'version'>): Promise<OpenResult> {
    this.sweep();
    const items = this.insightItems(state.account, state.region);
    const existing = items.get(state.seriesId)?.value;
    if (existing && existing.status !== 'ended') return { created: false, existing };
    const created = this.storeInsight(items, { ...state, version: 1 });
    return { created: true, state: created };
  }

  async updateInsight(state: InsightState): Promise<number | undefined> {
    this.sweep();
    const items = this.insightItems(state.account, state.region);
    if (items.get(state.seriesId)?.value.version !== state.version) return undefined;
    this.storeInsight(items, { ...state, version: state.version + 1 });
    return state.version + 1;
  }

  async readInsights(account: string, region: string): Promise<InsightState[]> {
    this.sweep();
    const items = this.insights.get(`${account}#${region}`);
    if (!items) return [];
    return [...items].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, { value }]) => value);
  }

  private storeInsight(items: Map<SeriesId, Expiring<InsightState>>, state: InsightState): InsightState {
    // Open insights never expire; ended ones linger a while so readers can still see them.
    const expiry =
      state.status === 'ended'
        ? expiresAt((state.endMinute ?? state.startMinute) * 60, this.now(), this.retention.endedInsights)
        : Number.POSITIVE_INFINITY;
    const frozen = deepFreeze(state);
    items.set(state.seriesId, { value: frozen, expiresAt: expiry });
    return frozen;
  }

  private insightItems(account: string, region: string): Map<SeriesId, Expiring<InsightState>> {
    const key = `${account}#${region}`;
    let items = this.insights.get(key);
    if (!items) this.insights.set(key, (items = new Map()));
    return items;
  }

  /**
   * Deletes what has expired by the store's clock, at most once an hour of that clock: a
   * TTL that runs promptly, which DynamoDB may do, and which the engine never relies on
   * not happening (it reads nothing older than its retention).
   */
  private sweep(): void {
    const now = this.now();
    if (now < this.nextSweep) return;
    this.nextSweep = now + SWEEP_EVERY_MS;
    const seconds = Math.floor(now / 1000);
    const expired = (item: { expiresAt: number }) => item.expiresAt < seconds;
    for (const [key, items] of this.contributions) {
      const kept = items.filter((item) => !expired(item));
      if (kept.length === 0) this.contributions.delete(key);
      else if (kept.length < items.length) this.contributions.set(key, kept);
    }
    for (const [id, expiry] of this.applied) if (expiry < seconds) this.applied.delete(id);
    for (const [id, item] of this.quarantined) if (expired(item)) this.quarantined.delete(id);
    for (const items of this.rollups.values()) for (const [hour, item] of items) if (expired(item)) items.delete(hour);
    for (const items of this.insights.values()) for (const [id, item] of items) if (expired(item)) items.delete(id);
  }
}

/** A contribution's series cut per UTC day, as DynamoDB stores them (one item per account-region-day). */
function byDay(objectId: string, contribution: Contribution): Map<number, StoredContribution> {
  const days = new Map<number, StoredContribution & { series: SeriesCounts[] }>();
  for (const series of contribution.series) {
    let current: SeriesCounts | undefined;
    for (const cell of series.minutes) {
      const day = dayOf(cell.minute);
      let stored = days.get(day);
      if (!stored) days.set(day, (stored = { objectId, series: [], min: cell.minute, max: cell.minute }));
      if (current === undefined || dayOf(current.minutes[0]!.minute) !== day) {
        current = { id: series.id, minutes: [] };
        stored.series.push(current);
      }
      current.minutes.push(cell);
      stored.min = Math.min(stored.min, cell.minute);
      stored.max = Math.max(stored.max, cell.minute);
    }
  }
  return days;
}

/** Index of the first item whose last minute is at or after `minute` (items sorted by it). */
function firstReaching(items: ReadonlyArray<Expiring<StoredContribution>>, minute: Minute): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (items[mid]!.value.max < minute) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Same order as DynamoDB's sort key `<hour padded>#<objectId>`. */
const dirtyKey = (mark: DirtyHour): string => `${pad(mark.hour, 'hour')}#${mark.objectId}`;

/** `deepFreeze` for the one shape stored most, without its generic walk (a replay stores a million cells). */
function freezeCounts(stored: StoredContribution): StoredContribution {
  for (const series of stored.series) {
    for (const cell of series.minutes) {
      const { attributions } = cell;
      for (const list of [attributions.userIdentityArn, attributions.userAgent, attributions.errorCode]) {
        for (const pair of list) Object.freeze(pair);
        Object.freeze(list);
      }
      Object.freeze(attributions);
      Object.freeze(cell);
    }
    Object.freeze(series.minutes);
    Object.freeze(series);
  }
  Object.freeze(stored.series);
  return Object.freeze(stored);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
