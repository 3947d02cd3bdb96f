import type { Contribution, SeriesCounts } from '../aggregate/types.js';
import type { HourRollup, SeriesBaseline } from '../baseline/types.js';
import type { LogLocation } from '../cloudtrail/location.js';
import type { SeriesId } from '../series/series.js';
import { dayOf, type Hour, type Minute } from '../time/minute.js';
import { decode, encode } from './codec.js';
import { DEFAULT_MAX_ITEM_BYTES, mergeParts, planApply, type StoredPart } from './contribution-items.js';
import { pad } from './keys.js';
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
   * splits, limits (`ContributionTooLargeError`) and merges exactly as Lambda does.
   */
  maxItemBytes?: number;
}

interface Registered {
  account: string;
  region: string;
  firstMinute: Minute;
  location: LogLocation;
}

/**
 * The store for the local CLI and unit tests, with DynamoDB's semantics: contributions
 * are split into the same items, and every value is kept as the codec's bytes, so memory
 * stays compact on long replays, the codec runs under every unit test, and no caller can
 * alias (and mutate) what is stored. TTL is not emulated: nothing expires.
 *
 * Each method does all its reads and writes without awaiting in between, which makes
 * it atomic under JavaScript's single thread — the memory analogue of a conditional write.
 */
export class MemoryStore implements Store {
  private readonly maxItemBytes: number;
  /** `account#region#day` → sort key → part. */
  private readonly contributions = new Map<string, Map<string, StoredPart & { min: Minute; max: Minute }>>();
  private readonly applied = new Set<string>();
  private readonly quarantined = new Map<string, Uint8Array>();
  private readonly regions = new Map<string, Uint8Array>();
  private readonly accounts = new Map<string, Minute>();
  private readonly states = new Map<string, Uint8Array>();
  private readonly dirty = new Map<string, Map<string, DirtyHour>>();
  private readonly baselines = new Map<string, Map<SeriesId, Uint8Array>>();
  private readonly rollups = new Map<string, Map<Hour, Uint8Array>>();
  private readonly insights = new Map<string, Map<SeriesId, Uint8Array>>();
  /**
   * Decoded values by their stored bytes (which are never modified, only replaced), deep
   * frozen: a replay reads the same baselines and contributions thousands of times, and
   * decoding them each time was most of its CPU. Freezing keeps the no-aliasing promise:
   * a caller that tried to modify what it read would throw instead of corrupting the store.
   */
  private readonly decoded = new WeakMap<Uint8Array, unknown>();

  constructor(options: MemoryStoreOptions = {}) {
    this.maxItemBytes = options.maxItemBytes ?? DEFAULT_MAX_ITEM_BYTES;
  }

  private read<T>(bytes: Uint8Array): T {
    let value = this.decoded.get(bytes);
    if (value === undefined) {
      value = deepFreeze(decode<T>(bytes));
      this.decoded.set(bytes, value);
    }
    return value as T;
  }

  async applyFile(objectId: string, contributions: readonly Contribution[]): Promise<ApplyResult> {
    const plan = planApply(objectId, contributions, this.maxItemBytes);
    // Like DynamoDB, an object with nothing to count leaves no trace (not even a ledger).
    if (plan.mode === 'none') return 'applied';
    if (this.applied.has(objectId)) return 'already-applied';
    this.applied.add(objectId);
    for (const item of plan.items) {
      const day = `${item.account}#${item.region}#${item.day}`;
      let items = this.contributions.get(day);
      if (!items) this.contributions.set(day, (items = new Map()));
      items.set(item.sk, { objectId, d: item.d, min: item.min, max: item.max });
    }
    return 'applied';
  }

  async readContributions(account: string, region: string, from: Minute, to: Minute): Promise<Contribution[]> {
    const parts: StoredPart[] = [];
    for (let day = dayOf(from); day <= dayOf(to); day++) {
      for (const item of this.contributions.get(`${account}#${region}#${day}`)?.values() ?? []) {
        if (item.max >= from && item.min <= to) parts.push(item);
      }
    }
    return mergeParts(account, region, parts, from, to, (bytes) => this.read<SeriesCounts[]>(bytes));
  }

  async hasCounts(objectId: string, account: string, region: string, from: Minute, to: Minute): Promise<boolean> {
    for (let day = dayOf(from); day <= dayOf(to); day++) {
      for (const item of this.contributions.get(`${account}#${region}#${day}`)?.values() ?? []) {
        if (item.objectId === objectId && item.max >= from && item.max <= to) return true;
      }
    }
    return false;
  }

  async quarantine(record: QuarantineRecord): Promise<void> {
    this.quarantined.set(record.objectId, encode(record));
  }

  async readQuarantine(objectId: string): Promise<QuarantineRecord | undefined> {
    const bytes = this.quarantined.get(objectId);
    return bytes && this.read<QuarantineRecord>(bytes);
  }

  async touch(account: string, region: string, minute: Minute, location: LogLocation): Promise<AccountRegion> {
    const key = `${account}#${region}`;
    if (!this.accounts.has(account)) this.accounts.set(account, minute);
    let bytes = this.regions.get(key);
    if (!bytes) this.regions.set(key, (bytes = encode({ account, region, firstMinute: minute, location } satisfies Registered)));
    return this.entry(bytes);
  }

  async listAccountRegions(): Promise<AccountRegion[]> {
    return [...this.regions].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, bytes]) => this.entry(bytes));
  }

  private entry(bytes: Uint8Array): AccountRegion {
    const { account, region, firstMinute, location } = this.read<Registered>(bytes);
    return { account, region, firstMinute, accountFirstMinute: this.accounts.get(account) ?? firstMinute, location };
  }

  async readState(account: string, region: string): Promise<EvaluateState> {
    const bytes = this.states.get(`${account}#${region}`);
    return bytes ? this.read<EvaluateState>(bytes) : { account, region, version: 0 };
  }

  async saveState(state: EvaluateState): Promise<number | undefined> {
    const key = `${state.account}#${state.region}`;
    const stored = this.states.get(key);
    const version = stored ? this.read<EvaluateState>(stored).version : 0;
    if (version !== state.version) return undefined;
    this.states.set(key, encode({ ...state, version: version + 1 }));
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
    return [...items]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([id, bytes]) => ({ id, hours: this.read<SeriesBaseline['hours']>(bytes) }));
  }

  async writeBaselines(account: string, region: string, baselines: readonly SeriesBaseline[]): Promise<void> {
    const key = `${account}#${region}`;
    let items = this.baselines.get(key);
    if (!items) this.baselines.set(key, (items = new Map()));
    for (const baseline of baselines) {
      // An empty baseline is deleted, as DynamoDB deletes its item.
      if (baseline.hours.length === 0) items.delete(baseline.id);
      else items.set(baseline.id, encode(baseline.hours));
    }
  }

  async writeRollup(account: string, region: string, rollup: HourRollup): Promise<void> {
    pad(rollup.hour, 'hour');
    const key = `${account}#${region}`;
    let items = this.rollups.get(key);
    if (!items) this.rollups.set(key, (items = new Map()));
    items.set(rollup.hour, encode(rollup.series));
  }

  async readRollups(account: string, region: string, fromHour: Hour, toHour: Hour): Promise<HourRollup[]> {
    const items = this.rollups.get(`${account}#${region}`);
    if (!items) return [];
    return [...items]
      .filter(([hour]) => hour >= fromHour && hour <= toHour)
      .sort((a, b) => a[0] - b[0])
      .map(([hour, bytes]) => ({ hour, series: this.read<HourRollup['series']>(bytes) }));
  }

  async openInsight(state: Omit<InsightState, 'version'>): Promise<OpenResult> {
    const items = this.insightItems(state.account, state.region);
    const stored = items.get(state.seriesId);
    if (stored) {
      const existing = this.read<InsightState>(stored);
      if (existing.status !== 'ended') return { created: false, existing };
    }
    const created: InsightState = { ...state, version: 1 };
    const bytes = encode(created);
    items.set(state.seriesId, bytes);
    return { created: true, state: this.read<InsightState>(bytes) };
  }

  async updateInsight(state: InsightState): Promise<number | undefined> {
    const items = this.insightItems(state.account, state.region);
    const stored = items.get(state.seriesId);
    if (!stored || this.read<InsightState>(stored).version !== state.version) return undefined;
    items.set(state.seriesId, encode({ ...state, version: state.version + 1 }));
    return state.version + 1;
  }

  async readInsights(account: string, region: string): Promise<InsightState[]> {
    const items = this.insights.get(`${account}#${region}`);
    if (!items) return [];
    return [...items].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, bytes]) => this.read<InsightState>(bytes));
  }

  private insightItems(account: string, region: string): Map<SeriesId, Uint8Array> {
    const key = `${account}#${region}`;
    let items = this.insights.get(key);
    if (!items) this.insights.set(key, (items = new Map()));
    return items;
  }
}

/** Same order as DynamoDB's sort key `<hour padded>#<objectId>`. */
const dirtyKey = (mark: DirtyHour): string => `${pad(mark.hour, 'hour')}#${mark.objectId}`;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
