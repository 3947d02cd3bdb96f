import type { DetectorConfig, Override } from '../config/detector-config.js';
import { compilePattern } from '../config/pattern.js';
import { GROUP_EVENT_SOURCE, GroupName, type Series } from '../series/series.js';

/** Everything the detector needs to know about one series' thresholds. */
export interface SeriesRules {
  disabled: boolean;
  windows: readonly number[];
  minCount: number;
  minRatio: number;
  peakFactor: number;
  /** ln of the per-test false-alarm probability for a window length. */
  logAlpha: (window: number) => number;
  /** Enough observation for statistics; otherwise only absolute cold-start rules apply. */
  mature: boolean;
  /** Events a window needs before the series is mature. */
  coldStartMinCount: number;
  endQuietMinutes: number;
  /** ln of the tail probability below which a quiet-window candidate is still "elevated". */
  endLogAlpha: number;
  maxInsightMinutes: number;
  gaps: DetectorConfig['gaps'] & { minObservedHours: number };
}

export interface RuleContext {
  /** Hours the series' account-region has been observed (see SeriesModel.observedHours). */
  observedHours: number;
  /** Events of the series in its baseline window. */
  baselineEvents: number;
  /** The account-region had no analysed event in its whole baseline: a never-used region. */
  unusedRegion: boolean;
}

/**
 * An End needs the series back to normal at this level: while a quiet-window candidate
 * is still above its expectation at p < 1 %, the insight stays open (hysteresis: one
 * insight per incident, not one per burst inside it).
 */
const END_LOG_ALPHA = Math.log(0.01);
/** Before maturity only bursts this many times the normal minimum count are reported. */
const COLD_START_FACTOR = 5;

/**
 * The false-alarm budget, split into one threshold per test (Bonferroni): each
 * account-region-day runs about `series × Σ_w (1440 / w)` tests (a window of w minutes
 * ending at every minute, overlapping windows being strongly correlated so counting
 * 1440/w of them is the effective number). A budget of B false insights per day gives
 * each test α_w = B / (series · |windows| · 1440 / w).
 */
function logAlphaFor(config: Pick<DetectorConfig, 'falseAlarmsPerDay' | 'seriesPerAccountRegion' | 'windows'>, sensitivity = 1) {
  const perWindow = (config.falseAlarmsPerDay * sensitivity) / (config.seriesPerAccountRegion * config.windows.length);
  return (window: number): number => Math.log(Math.min(0.5, (perWindow * window) / 1440));
}

interface CompiledOverride {
  matches: (series: Series) => boolean;
  override: Override;
}

export function compileOverrides(overrides: readonly Override[]): CompiledOverride[] {
  return overrides.map((override) => {
    const checks: Array<(series: Series) => boolean> = [];
    if (override.insightType) checks.push((s) => s.insightType === override.insightType);
    for (const field of ['eventSource', 'eventName', 'errorCode'] as const) {
      const glob = override[field];
      if (glob === undefined) continue;
      const matches = compilePattern(glob);
      checks.push((s) => matches(s[field] ?? ''));
    }
    return { matches: (series) => checks.every((check) => check(series)), override };
  });
}

export function rulesFor(
  config: DetectorConfig,
  overrides: readonly CompiledOverride[],
  series: Series,
  context: RuleContext,
): SeriesRules {
  const override = overrides.find((candidate) => candidate.matches(series))?.override;
  let minCount = override?.minCount ?? config.minCount[series.insightType];
  // An API never called through a whole mature baseline has no normal rate to hide in: a
  // few calls of it (keys scheduled for deletion, users created) are already unusual.
  // Not for errors: an error storm is reported by its all-APIs group, and lowering the
  // bar per API would turn one enumeration into dozens of insights.
  if (
    override?.minCount === undefined &&
    series.insightType === 'ApiCallRateInsight' &&
    context.baselineEvents === 0 &&
    context.observedHours >= config.warmupHours
  ) {
    minCount = Math.min(minCount, config.newSeriesMinCount);
  }
  // A never-used region has no background at all, so a handful of provisioning calls is
  // already the anomaly (a leaked key starting miners where nobody looks).
  if (context.unusedRegion && series.eventSource === GROUP_EVENT_SOURCE && series.eventName === GroupName.Provisioning) {
    minCount = Math.min(minCount, config.newRegionMinCount);
  }
  return {
    disabled: override?.disabled ?? false,
    windows: config.windows,
    minCount,
    minRatio: override?.minRatio ?? config.minRatio,
    peakFactor: config.peakFactor,
    logAlpha: logAlphaFor(config, override?.sensitivity ?? 1),
    mature: context.observedHours >= config.warmupHours,
    coldStartMinCount: minCount * COLD_START_FACTOR,
    endQuietMinutes: config.endQuietMinutes,
    endLogAlpha: END_LOG_ALPHA,
    maxInsightMinutes: config.maxInsightMinutes,
    gaps: { ...config.gaps, minObservedHours: Math.max(config.warmupHours, 24) },
  };
}
