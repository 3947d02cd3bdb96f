import type { Contribution } from '../aggregate/types.js';
import type { HourRollup, SeriesBaseline } from '../baseline/types.js';
import type { LogLocation } from '../cloudtrail/location.js';
import type { InsightRecord } from '../insights/record.js';
import type { SeriesId } from '../series/series.js';
import type { Hour, Minute } from '../time/minute.js';

/**
 * The engine's storage port. Two adapters implement it — DynamoDB (`dynamodb-store.ts`,
 * Lambda) and memory (`memory-store.ts`, CLI and unit tests) — and one contract suite
 * (`test/contract/store-contract.ts`) runs against both.
 *
 * Exactly-once rests on three rules kept by every adapter:
 * 1. A log object's counts are one immutable *contribution* per account-region, written
 *    with `applyFile` all or nothing under the object's id; writing it again is a no-op.
 *    Counts are never incremented in place, so a retry or a duplicate notification
 *    cannot add twice, and a crash before the write leaves nothing behind.
 * 2. Everything derived (hour rollups, baselines) is recomputed from contributions and
 *    written by overwriting a slot, never by adding, so recomputing is idempotent.
 * 3. Insight state changes are conditional writes on a version, so two invocations never
 *    both open or end the same insight.
 */
export interface Store extends CountStore, RegistryStore, StateStore, BaselineStore, InsightStore {}

export type ApplyResult = 'applied' | 'already-applied';

export interface CountStore {
  /**
   * Applies every contribution of one log object atomically and exactly once.
   * Returns `already-applied` (and changes nothing) when the object was applied before.
   */
  applyFile(objectId: string, contributions: readonly Contribution[]): Promise<ApplyResult>;
  /**
   * The contributions of an account-region holding any minute in `[from, to]`, trimmed
   * to those minutes. Strongly consistent: a contribution applied before the call is in it.
   */
  readContributions(account: string, region: string, from: Minute, to: Minute): Promise<Contribution[]>;
  /**
   * Whether counts of `objectId` are stored for the account-region with their last minute
   * in `[from, to]`: the integrity validator says with each alert whether the engine counted
   * a file found modified, deleted or unlisted. `false` too for an object with nothing to
   * count (it leaves no item) and for one past the contribution retention.
   */
  hasCounts(objectId: string, account: string, region: string, from: Minute, to: Minute): Promise<boolean>;
  /** Records a log object that could not be counted, and why. Idempotent. */
  quarantine(record: QuarantineRecord): Promise<void>;
  readQuarantine(objectId: string): Promise<QuarantineRecord | undefined>;
}

export interface QuarantineRecord {
  objectId: string;
  bucket: string;
  key: string;
  /** Machine-readable cause, e.g. `truncated-gzip`, `invalid-json`, `too-large`. */
  code: string;
  /** Human-readable cause, with the position or limit involved. */
  reason: string;
  /** When it was quarantined (epoch minute). */
  minute: Minute;
}

/** The account-regions the engine has seen, with where their files live. */
export interface AccountRegion {
  account: string;
  region: string;
  /** Earliest minute of the first contribution seen for this account-region. */
  firstMinute: Minute;
  /** Earliest minute of the first contribution seen for this account, any region. */
  accountFirstMinute: Minute;
  location: LogLocation;
}

export interface RegistryStore {
  /** Registers an account-region on first sight (idempotent) and returns its entry. */
  touch(account: string, region: string, minute: Minute, location: LogLocation): Promise<AccountRegion>;
  listAccountRegions(): Promise<AccountRegion[]>;
}

/**
 * Progress of the scheduled evaluation of one account-region.
 *
 * Rolling an hour is two-phase so a late file is never lost between ingest and evaluate:
 * evaluate saves `rollingThroughHour` *before* reading an hour's contributions, and
 * ingest, *after* applying a contribution, reads this state and marks any hour it touched
 * at or before `max(rollingThroughHour, rolledThroughHour)` dirty, to be rolled again.
 */
export interface EvaluateState {
  account: string;
  region: string;
  /** Last minute closed (past the watermark) and evaluated for drops, gaps and ends. */
  closedThrough?: Minute;
  rollingThroughHour?: Hour;
  rolledThroughHour?: Hour;
  /**
   * Baseline items hold every rolled hour through this one; the hours after it, up to
   * `rolledThroughHour`, are read from their rollups. Baselines are written once a day
   * (a checkpoint) rather than every hour: the same hours either way, a fraction of the writes.
   */
  checkpointHour?: Hour;
  /** Changes whenever baselines or rollups change, so caches of them know to reload. */
  baselineEpoch?: number;
  /** Optimistic-concurrency version; 0 when never saved. */
  version: number;
}

export interface DirtyHour {
  hour: Hour;
  objectId: string;
}

export interface StateStore {
  readState(account: string, region: string): Promise<EvaluateState>;
  /** Saves when the stored version still equals `state.version`; returns the new version, or `undefined` on conflict. */
  saveState(state: EvaluateState): Promise<number | undefined>;
  /** Marks an hour to be rolled again because `objectId` added to it late. */
  markDirty(account: string, region: string, dirty: DirtyHour): Promise<void>;
  listDirty(account: string, region: string): Promise<DirtyHour[]>;
  /** Clears exactly these marks; marks written since they were listed survive. */
  clearDirty(account: string, region: string, dirty: readonly DirtyHour[]): Promise<void>;
}

export interface BaselineStore {
  readBaselines(account: string, region: string): Promise<SeriesBaseline[]>;
  /** Overwrites each series' baseline item. */
  writeBaselines(account: string, region: string, baselines: readonly SeriesBaseline[]): Promise<void>;
  /** Overwrites the rollup of `rollup.hour`. */
  writeRollup(account: string, region: string, rollup: HourRollup): Promise<void>;
  /** Rollups of hours in `[fromHour, toHour]`, ascending. */
  readRollups(account: string, region: string, fromHour: Hour, toHour: Hour): Promise<HourRollup[]>;
}

export type InsightKind = 'spike' | 'drop';

/** One insight of one series, from Start to End. At most one per series is open. */
export interface InsightState {
  account: string;
  region: string;
  seriesId: SeriesId;
  kind: InsightKind;
  status: 'open' | 'ended';
  startMinute: Minute;
  /** First minute after the unusual activity; set when it ends. */
  endMinute?: Minute;
  start: InsightRecord;
  startPublished: boolean;
  end?: InsightRecord;
  endPublished: boolean;
  location: LogLocation;
  /** Optimistic-concurrency version, 1 on creation. */
  version: number;
}

export type OpenResult = { created: true; state: InsightState } | { created: false; existing: InsightState };

export interface InsightStore {
  /**
   * Opens an insight unless its series already has an open one (then returns that one).
   * An ended insight of the series is replaced.
   */
  openInsight(state: Omit<InsightState, 'version'>): Promise<OpenResult>;
  /** Saves when the stored version still equals `state.version`; returns the new version, or `undefined` on conflict. */
  updateInsight(state: InsightState): Promise<number | undefined>;
  /** Every insight of the account-region still stored (open, or ended recently). */
  readInsights(account: string, region: string): Promise<InsightState[]>;
}
