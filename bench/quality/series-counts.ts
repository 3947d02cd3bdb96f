import { GROUP_EVENT_SOURCE, GroupName, type InsightType } from '../../lib/series/series.js';
import type { Labels } from '../synth/labels.js';
import { readTrail } from '../synth/read-trail.js';
import { isProvisioning } from '../synth/series-of.js';

/**
 * Per-minute counts of every Insights series in a generated trail, read offline: the
 * input of the reference detectors that calibrate the benchmark. Counts what the engine
 * is meant to count (management writes per API, management errors per API and code, and
 * the three group series), each eventID once.
 */
export interface CountedSeries {
  account: string;
  region: string;
  insightType: InsightType;
  eventSource: string;
  eventName: string;
  errorCode?: string;
  /** Count per minute since `startMinute`. */
  counts: Uint16Array;
}

export interface TrailCounts {
  startMinute: number;
  minutes: number;
  series: CountedSeries[];
}

export function countSeries(dir: string, labels: Labels): TrailCounts {
  const startMinute = Math.floor(Date.parse(labels.start) / 60_000);
  const minutes = Math.round((Date.parse(labels.end) - Date.parse(labels.start)) / 60_000);
  const byKey = new Map<string, CountedSeries>();
  const seen = new Set<string>();
  const bump = (account: string, region: string, insightType: InsightType, eventSource: string, eventName: string, errorCode: string | undefined, minute: number): void => {
    const key = `${account}|${region}|${insightType}|${eventSource}|${eventName}|${errorCode ?? ''}`;
    let s = byKey.get(key);
    if (!s) {
      s = { account, region, insightType, eventSource, eventName, counts: new Uint16Array(minutes) };
      if (errorCode !== undefined) s.errorCode = errorCode;
      byKey.set(key, s);
    }
    const i = minute - startMinute;
    if (i >= 0 && i < minutes) s.counts[i] = Math.min(65535, (s.counts[i] ?? 0) + 1);
  };
  for (const file of readTrail(dir)) {
    for (const r of file.records) {
      if (seen.has(r.eventID)) continue;
      seen.add(r.eventID);
      if (!r.managementEvent || r.eventCategory !== 'Management') continue;
      const minute = Math.floor(Date.parse(r.eventTime) / 60_000);
      const { recipientAccountId: a, awsRegion: g, eventSource: src, eventName: name } = r;
      if (r.readOnly === false) {
        bump(a, g, 'ApiCallRateInsight', src, name, undefined, minute);
        if (src === 'iam.amazonaws.com') bump(a, g, 'ApiCallRateInsight', GROUP_EVENT_SOURCE, GroupName.IamWrites, undefined, minute);
        if (isProvisioning(src, name)) bump(a, g, 'ApiCallRateInsight', GROUP_EVENT_SOURCE, GroupName.Provisioning, undefined, minute);
      }
      if (r.errorCode !== undefined) {
        bump(a, g, 'ApiErrorRateInsight', src, name, r.errorCode, minute);
        bump(a, g, 'ApiErrorRateInsight', GROUP_EVENT_SOURCE, GroupName.AllApis, r.errorCode, minute);
      }
    }
  }
  return { startMinute, minutes, series: [...byKey.values()] };
}
