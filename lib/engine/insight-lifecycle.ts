import type { CountWindow } from '../aggregate/count-window.js';
import type { HourRollup } from '../baseline/types.js';
import type { LogLocation } from '../cloudtrail/location.js';
import { buildInsightRecord, type WindowFacts } from '../insights/build.js';
import { insightIds } from '../insights/ids.js';
import { parseSeriesId, type SeriesId } from '../series/series.js';
import type { InsightKind, InsightState } from '../store/store.js';
import type { Minute } from '../time/minute.js';
import type { AccountRegionView } from './account-region-view.js';
import { baselineFacts, baselineFactsOf, windowFacts } from './insight-facts.js';

const NO_ATTRIBUTIONS = { userIdentityArn: [], userAgent: [], errorCode: [] };

export interface StartInput {
  view: AccountRegionView;
  id: SeriesId;
  kind: InsightKind;
  start: Minute;
  /** Last minute of the window the insight was found in. */
  through: Minute;
  window: CountWindow;
  rollups: readonly HourRollup[];
  location: LogLocation;
}

/** A new insight with its Start record, ready for `InsightStore.openInsight`. */
export function startInsight(input: StartInput): Omit<InsightState, 'version'> {
  const { view, id, kind, start, through, window } = input;
  const { account, region } = view.entry;
  const limit = view.config.attributionLimit;
  const ids = insightIds({ account, region, seriesId: id, kind, startMinute: start });
  const insight: WindowFacts = windowFacts(window, id, start, through, limit);
  if (kind === 'drop') insight.attributions = NO_ATTRIBUTIONS;
  const baseline = baselineFacts(id, start, {
    rollups: input.rollups,
    rolledThroughHour: view.lastRolledHour,
    window,
    observedFrom: view.observedFrom,
    baselineDays: view.config.baselineDays,
    attributionLimit: limit,
  });
  const record = buildInsightRecord({
    account,
    region,
    series: parseSeriesId(id),
    state: 'Start',
    minute: start,
    eventID: ids.startEventID,
    sharedEventID: ids.sharedEventID,
    insight,
    baseline,
  });
  return {
    account,
    region,
    seriesId: id,
    kind,
    status: 'open',
    startMinute: start,
    start: record,
    startPublished: false,
    endPublished: false,
    location: input.location,
  };
}

/** The insight ended at `endMinute` (first minute back to normal), with its End record. */
export function endInsight(state: InsightState, endMinute: Minute, window: CountWindow, attributionLimit: number): InsightState {
  const ids = insightIds({
    account: state.account,
    region: state.region,
    seriesId: state.seriesId,
    kind: state.kind,
    startMinute: state.startMinute,
  });
  const insight = windowFacts(window, state.seriesId, state.startMinute, endMinute - 1, attributionLimit);
  const end = buildInsightRecord({
    account: state.account,
    region: state.region,
    series: parseSeriesId(state.seriesId),
    state: 'End',
    minute: endMinute,
    eventID: ids.endEventID,
    sharedEventID: ids.sharedEventID,
    insight,
    baseline: baselineFactsOf(state.start),
  });
  return { ...state, status: 'ended', endMinute, end, endPublished: false };
}

/**
 * Whether a newly found anomaly may open an insight for a series given what the series
 * already has: never while one is open, and never for activity that began before the
 * previous insight ended (late data about an incident already reported).
 */
export function mayOpen(existing: InsightState | undefined, start: Minute): boolean {
  if (existing === undefined) return true;
  if (existing.status === 'open') return false;
  return start >= (existing.endMinute ?? Number.POSITIVE_INFINITY);
}
