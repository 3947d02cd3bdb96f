import { observedWindow, SeriesModel } from '../baseline/model.js';
import type { SeriesBaseline } from '../baseline/types.js';
import type { DetectorConfig } from '../config/detector-config.js';
import { compileOverrides, rulesFor, type SeriesRules } from '../detect/rules.js';
import { parseSeriesId, type SeriesId } from '../series/series.js';
import type { AccountRegion, EvaluateState } from '../store/store.js';
import { hourOf, type Hour, type Minute } from '../time/minute.js';

/**
 * What detection knows about one account-region at one moment: its baselines turned into
 * models and its rules, built lazily per series and reused within an invocation.
 */
export class AccountRegionView {
  readonly observedFrom: Minute;
  readonly lastRolledHour: Hour | undefined;
  /** No series of this account-region had any event in the baseline window. */
  readonly unusedRegion: boolean;
  private readonly baselines: Map<SeriesId, SeriesBaseline>;
  private readonly models = new Map<SeriesId, SeriesModel>();
  private readonly rules = new Map<SeriesId, SeriesRules>();
  private readonly overrides: ReturnType<typeof compileOverrides>;

  constructor(
    readonly config: DetectorConfig,
    readonly entry: AccountRegion,
    state: EvaluateState,
    baselines: readonly SeriesBaseline[],
  ) {
    this.observedFrom = config.multiRegionTrail ? Math.min(entry.accountFirstMinute, entry.firstMinute) : entry.firstMinute;
    // A region that delivered nothing had nothing: until its own first hour is rolled, the
    // hours since its account was first seen count as observed and empty, so activity in a
    // never-used region meets a known-empty baseline instead of a blind warm-up.
    this.lastRolledHour =
      state.rolledThroughHour ?? (config.multiRegionTrail && entry.firstMinute > entry.accountFirstMinute ? hourOf(entry.firstMinute) - 1 : undefined);
    this.baselines = new Map(baselines.map((baseline) => [baseline.id, baseline]));
    this.overrides = compileOverrides(config.overrides);
    this.unusedRegion = ![...this.baselines.values()].some((baseline) => baseline.hours.length > 0);
  }

  /** Every series' baseline, sorted by id. */
  allBaselines(): SeriesBaseline[] {
    return this.baselineIds().map((id) => this.baselines.get(id)!);
  }

  baselineIds(): SeriesId[] {
    return [...this.baselines.keys()].sort();
  }

  /** Active hours a series' baseline holds (a cheap upper bound of what its model counts). */
  hourCount(id: SeriesId): number {
    return this.baselines.get(id)?.hours.length ?? 0;
  }

  /** Closed, observed hours in the baseline window: the same for every series here. */
  observedHours(): number {
    return observedWindow({ observedFrom: this.observedFrom, lastRolledHour: this.lastRolledHour, baselineDays: this.config.baselineDays }).hours;
  }

  model(id: SeriesId): SeriesModel {
    let model = this.models.get(id);
    if (model === undefined) {
      model = new SeriesModel(this.baselines.get(id), {
        observedFrom: this.observedFrom,
        lastRolledHour: this.lastRolledHour,
        baselineDays: this.config.baselineDays,
      });
      this.models.set(id, model);
    }
    return model;
  }

  rulesOf(id: SeriesId): SeriesRules {
    let rules = this.rules.get(id);
    if (rules === undefined) {
      const model = this.model(id);
      rules = rulesFor(this.config, this.overrides, parseSeriesId(id), {
        observedHours: model.observedHours,
        baselineEvents: model.total,
        unusedRegion: this.unusedRegion,
      });
      this.rules.set(id, rules);
    }
    return rules;
  }
}
