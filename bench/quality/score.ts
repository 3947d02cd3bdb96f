/**
 * Quality scorer: compares the engine's Insights records with the generator's labels.
 *
 *   npx tsx bench/quality/score.ts --labels L --insights I.jsonl [--emissions E.jsonl]
 *                                  [--json OUT.json] [--before 15] [--after 10]
 *
 * Matching rules (a Start "matches" an incident when all hold):
 * - only `insightDetails.state === 'Start'` records count; Ends are ignored, and a record
 *   seen twice (same `eventID`, a retried emit) counts once;
 * - `recipientAccountId` equals the incident's account;
 * - its series equals one of the incident's `expect` entries: `insightType`,
 *   `insightDetails.eventSource`, `insightDetails.eventName`, and `errorCode` when the
 *   entry has one; `awsRegion` equals the entry's `region`, else the incident's (IAM and
 *   other global services file under us-east-1, so an entry may name it);
 * - its `eventTime` (the minute the unusual activity started; for a stopped job, the first
 *   missing minute) lies in [incident start − 15 min, incident end + 10 min]. Fifteen
 *   before: a detector may date a burst from the first minute of the 15-minute window that
 *   revealed it, and normal calls just before an incident (a Batch launch, a dashboard
 *   run) blur its onset. Ten after: a Start dated inside the incident, or just after its
 *   last minute while the counts still show it, is still about it.
 *
 * Metrics, over Starts with `eventTime` ≥ `warmupEnd` (earlier ones are not scored):
 * - recall: incidents with at least one matching Start / incidents;
 * - precision: matching Starts / (matching + false); several Starts matching one incident
 *   (per-API and group series, or a Start again after an End) are all true;
 * - false insights per account-region-day: Starts matching no incident and no `either`
 *   decoy, divided by (active account-regions in the labels × days after warm-up);
 * - Starts matching an `either` decoy (benign, but never seen in the baseline) are left
 *   out of both; they are listed as decoy hits. `quiet` decoys are ordinary false insights,
 *   annotated with the decoy's id;
 * - detection delay per detected incident: with `--emissions` (`{eventID, emittedAt}` per
 *   line, the replay clock when the record was produced), the earliest emittedAt of its
 *   matching Starts minus the incident start; without, the earliest matching Start's
 *   eventTime minus the incident start. Median and max over detected incidents.
 *
 * Numbers, not pass/fail: the exit code is 0 whatever the score (2 on bad input).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { ExpectedSeries, LabelledSpan, Labels } from '../synth/labels.js';
import type { InsightRecord } from '../../lib/insights/record.js';

export interface Emission {
  eventID: string;
  emittedAt: string;
}

export interface ScoreOptions {
  /** Minutes a Start may precede the incident start. */
  beforeMinutes?: number;
  /** Minutes a Start may follow the incident end. */
  afterMinutes?: number;
}

export const DEFAULT_BEFORE_MINUTES = 15;
export const DEFAULT_AFTER_MINUTES = 10;

export const TARGETS = { recall: 0.95, precision: 0.9, falsePerAccountRegionDay: 0.2 } as const;

export interface SeriesOfInsight {
  insightType: string;
  eventSource: string;
  eventName: string;
  errorCode?: string;
}

export interface InsightRef {
  eventID: string;
  eventTime: string;
  account: string;
  region: string;
  series: SeriesOfInsight;
}

export interface IncidentResult {
  id: string;
  kind: string;
  size: string;
  account: string;
  region: string;
  start: string;
  end: string;
  detected: boolean;
  matches: number;
  /** The earliest matching Start. */
  first?: InsightRef;
  /** Minutes from incident start to detection (see `delay.source`). */
  delayMinutes?: number;
  description: string;
}

export interface ScoreReport {
  tolerances: { beforeMinutes: number; afterMinutes: number };
  records: { lines: number; duplicates: number; ends: number; starts: number; startsBeforeWarmup: number; scored: number };
  truePositives: number;
  falsePositives: number;
  decoyEitherHits: number;
  recall: number | null;
  precision: number | null;
  falsePerAccountRegionDay: number;
  activeAccountRegions: number;
  daysAfterWarmup: number;
  perKind: Record<string, { incidents: number; detected: number; recall: number }>;
  perSize: Record<string, { incidents: number; detected: number; recall: number }>;
  incidents: IncidentResult[];
  missed: IncidentResult[];
  falseInsights: Array<InsightRef & { decoy?: string }>;
  decoyHits: Array<InsightRef & { decoy: string }>;
  delay: { source: 'emissions' | 'eventTime'; detected: number; withDelay: number; medianMinutes: number | null; maxMinutes: number | null };
  targets: { recall: number; precision: number; falsePerAccountRegionDay: number; met: { recall: boolean; precision: boolean; falsePerAccountRegionDay: boolean } };
}

const MINUTE = 60_000;
const DAY = 86_400_000;

const minuteMs = (iso: string): number => Math.floor(Date.parse(iso) / MINUTE) * MINUTE;

function refOf(r: InsightRecord): InsightRef {
  const d = r.insightDetails;
  const series: SeriesOfInsight = { insightType: d.insightType, eventSource: d.eventSource, eventName: d.eventName };
  if (d.errorCode !== undefined) series.errorCode = d.errorCode;
  return { eventID: r.eventID, eventTime: r.eventTime, account: r.recipientAccountId, region: r.awsRegion, series };
}

function seriesMatches(ref: InsightRef, e: ExpectedSeries, defaultRegion: string): boolean {
  return (
    ref.region === (e.region ?? defaultRegion) &&
    ref.series.insightType === e.insightType &&
    ref.series.eventSource === e.eventSource &&
    ref.series.eventName === e.eventName &&
    (e.errorCode === undefined || ref.series.errorCode === e.errorCode)
  );
}

function matches(ref: InsightRef, label: LabelledSpan, o: Required<ScoreOptions>): boolean {
  if (ref.account !== label.account) return false;
  const t = minuteMs(ref.eventTime);
  if (t < minuteMs(label.start) - o.beforeMinutes * MINUTE || t > minuteMs(label.end) + o.afterMinutes * MINUTE) return false;
  return label.expect.some((e) => seriesMatches(ref, e, label.region));
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? null) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

const rate = (num: number, den: number): number | null => (den === 0 ? null : num / den);

export function score(labels: Labels, insights: readonly InsightRecord[], emissions?: readonly Emission[], options: ScoreOptions = {}): ScoreReport {
  const o: Required<ScoreOptions> = { beforeMinutes: options.beforeMinutes ?? DEFAULT_BEFORE_MINUTES, afterMinutes: options.afterMinutes ?? DEFAULT_AFTER_MINUTES };
  const warmupEnd = Date.parse(labels.warmupEnd);
  const seen = new Set<string>();
  let duplicates = 0;
  let ends = 0;
  let startsBeforeWarmup = 0;
  const scored: InsightRef[] = [];
  for (const r of insights) {
    if (seen.has(r.eventID)) {
      duplicates++;
      continue;
    }
    seen.add(r.eventID);
    if (r.insightDetails.state !== 'Start') {
      ends++;
      continue;
    }
    if (Date.parse(r.eventTime) < warmupEnd) {
      startsBeforeWarmup++;
      continue;
    }
    scored.push(refOf(r));
  }
  scored.sort((a, b) => a.eventTime.localeCompare(b.eventTime) || a.eventID.localeCompare(b.eventID));

  const emittedAt = new Map<string, number>();
  for (const e of emissions ?? []) emittedAt.set(e.eventID, Date.parse(e.emittedAt));

  const byIncident = new Map<string, InsightRef[]>(labels.incidents.map((i) => [i.id, []]));
  let truePositives = 0;
  const falseInsights: Array<InsightRef & { decoy?: string }> = [];
  const decoyHits: Array<InsightRef & { decoy: string }> = [];
  for (const ref of scored) {
    const hit = labels.incidents.filter((i) => matches(ref, i, o));
    if (hit.length > 0) {
      truePositives++;
      for (const i of hit) byIncident.get(i.id)?.push(ref);
      continue;
    }
    const decoy = labels.normal.find((n) => matches(ref, n, o));
    if (decoy?.policy === 'either') decoyHits.push({ ...ref, decoy: decoy.id });
    else falseInsights.push(decoy ? { ...ref, decoy: decoy.id } : ref);
  }

  const useEmissions = emissions !== undefined;
  const incidents: IncidentResult[] = labels.incidents.map((i) => {
    const refs = byIncident.get(i.id) ?? [];
    const result: IncidentResult = {
      id: i.id,
      kind: i.kind,
      size: i.size,
      account: i.account,
      region: i.region,
      start: i.start,
      end: i.end,
      detected: refs.length > 0,
      matches: refs.length,
      description: i.description,
    };
    if (refs[0]) result.first = refs[0];
    const start = minuteMs(i.start);
    const times = useEmissions
      ? refs.map((r) => emittedAt.get(r.eventID)).filter((t): t is number => t !== undefined)
      : refs.map((r) => minuteMs(r.eventTime));
    if (times.length > 0) result.delayMinutes = (Math.min(...times) - start) / MINUTE;
    return result;
  });

  const tally = (key: (i: IncidentResult) => string): Record<string, { incidents: number; detected: number; recall: number }> => {
    const out: Record<string, { incidents: number; detected: number; recall: number }> = {};
    for (const i of incidents) {
      const k = key(i);
      const t = (out[k] ??= { incidents: 0, detected: 0, recall: 0 });
      t.incidents++;
      if (i.detected) t.detected++;
      t.recall = t.detected / t.incidents;
    }
    return out;
  };

  const activeAccountRegions = labels.accounts.reduce((n, a) => n + a.regions.length, 0);
  const daysAfterWarmup = Math.max(0, (Date.parse(labels.end) - warmupEnd) / DAY);
  const regionDays = activeAccountRegions * daysAfterWarmup;
  const detected = incidents.filter((i) => i.detected);
  const delays = detected.map((i) => i.delayMinutes).filter((d): d is number => d !== undefined);
  const recall = rate(detected.length, incidents.length);
  const precision = rate(truePositives, truePositives + falseInsights.length);
  const falsePerAccountRegionDay = regionDays === 0 ? 0 : falseInsights.length / regionDays;

  return {
    tolerances: o,
    records: { lines: insights.length, duplicates, ends, starts: scored.length + startsBeforeWarmup, startsBeforeWarmup, scored: scored.length },
    truePositives,
    falsePositives: falseInsights.length,
    decoyEitherHits: decoyHits.length,
    recall,
    precision,
    falsePerAccountRegionDay,
    activeAccountRegions,
    daysAfterWarmup,
    perKind: tally((i) => i.kind),
    perSize: tally((i) => i.size),
    incidents,
    missed: incidents.filter((i) => !i.detected),
    falseInsights,
    decoyHits,
    delay: {
      source: useEmissions ? 'emissions' : 'eventTime',
      detected: detected.length,
      withDelay: delays.length,
      medianMinutes: median(delays),
      maxMinutes: delays.length > 0 ? Math.max(...delays) : null,
    },
    targets: {
      ...TARGETS,
      met: {
        recall: recall !== null && recall >= TARGETS.recall,
        precision: precision !== null && precision >= TARGETS.precision,
        falsePerAccountRegionDay: falsePerAccountRegionDay <= TARGETS.falsePerAccountRegionDay,
      },
    },
  };
}

const pct = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(3));
const seriesText = (s: SeriesOfInsight): string =>
  `${s.insightType === 'ApiErrorRateInsight' ? 'error' : 'call'} ${s.eventSource} ${s.eventName}${s.errorCode ? ` ${s.errorCode}` : ''}`;

/** The report as a readable table. */
export function formatReport(r: ScoreReport, labels: Labels): string {
  const names = new Map(labels.accounts.map((a) => [a.id, a.name]));
  const acct = (id: string): string => names.get(id) ?? id;
  const ok = (b: boolean): string => (b ? 'ok ' : 'MISS');
  const lines: string[] = [];
  lines.push(`insights: ${r.records.lines} lines, ${r.records.duplicates} duplicate, ${r.records.ends} End, ${r.records.starts} Start (${r.records.startsBeforeWarmup} before warm-up, ${r.records.scored} scored)`);
  lines.push(`tolerance: Start within [start - ${r.tolerances.beforeMinutes} min, end + ${r.tolerances.afterMinutes} min]`);
  lines.push('');
  lines.push(`recall                         ${pct(r.recall)}  target >= ${r.targets.recall}   ${ok(r.targets.met.recall)}`);
  lines.push(`precision                      ${pct(r.precision)}  target >= ${r.targets.precision}    ${ok(r.targets.met.precision)}   (${r.truePositives} true, ${r.falsePositives} false, ${r.decoyEitherHits} on 'either' decoys)`);
  lines.push(`false per account-region-day   ${r.falsePerAccountRegionDay.toFixed(3)}  target <= ${r.targets.falsePerAccountRegionDay}    ${ok(r.targets.met.falsePerAccountRegionDay)}   (${r.activeAccountRegions} account-regions x ${r.daysAfterWarmup} days)`);
  lines.push(`delay (${r.delay.source})${' '.repeat(Math.max(1, 22 - r.delay.source.length))}median ${r.delay.medianMinutes ?? 'n/a'} min, max ${r.delay.maxMinutes ?? 'n/a'} min over ${r.delay.withDelay} detected`);
  lines.push('');
  lines.push('kind                       incidents detected recall');
  for (const [k, v] of Object.entries(r.perKind).sort()) lines.push(`${k.padEnd(27)}${String(v.incidents).padStart(9)}${String(v.detected).padStart(9)} ${v.recall.toFixed(2)}`);
  for (const [k, v] of Object.entries(r.perSize).sort()) lines.push(`  size ${k.padEnd(21)}${String(v.incidents).padStart(9)}${String(v.detected).padStart(9)} ${v.recall.toFixed(2)}`);
  lines.push('');
  lines.push('id   kind                      account   region          start             matches delay');
  for (const i of r.incidents) {
    lines.push(
      `${i.id.padEnd(5)}${i.kind.padEnd(26)}${acct(i.account).padEnd(10)}${i.region.padEnd(16)}${i.start.slice(0, 16)}  ${String(i.matches).padStart(7)} ${i.delayMinutes === undefined ? '-' : `${i.delayMinutes} min`}`,
    );
  }
  if (r.missed.length > 0) {
    lines.push('');
    lines.push(`missed (${r.missed.length}):`);
    for (const i of r.missed) lines.push(`  ${i.id} ${i.kind} ${acct(i.account)} ${i.region} ${i.start.slice(0, 16)}..${i.end.slice(11, 16)}  ${i.description}`);
  }
  if (r.falseInsights.length > 0) {
    lines.push('');
    lines.push(`false insights (${r.falseInsights.length}):`);
    for (const f of r.falseInsights.slice(0, 60)) lines.push(`  ${f.eventTime.slice(0, 16)} ${acct(f.account)} ${f.region} ${seriesText(f.series)}${f.decoy ? `  [decoy ${f.decoy}]` : ''}`);
    if (r.falseInsights.length > 60) lines.push(`  ... ${r.falseInsights.length - 60} more in the JSON report`);
  }
  if (r.decoyHits.length > 0) {
    lines.push('');
    lines.push(`on 'either' decoys, not scored (${r.decoyHits.length}):`);
    for (const f of r.decoyHits) lines.push(`  ${f.eventTime.slice(0, 16)} ${acct(f.account)} ${f.region} ${seriesText(f.series)}  [${f.decoy}]`);
  }
  return lines.join('\n');
}

/** Reads JSON Lines; a line may also hold a `{"Records": [...]}` file body. */
export function readJsonLines<T>(text: string): T[] {
  const out: T[] = [];
  for (const [n, line] of text.split('\n').entries()) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new Error(`line ${n + 1} is not JSON: ${trimmed.slice(0, 80)}`);
    }
    if (parsed && typeof parsed === 'object' && Array.isArray((parsed as { Records?: unknown }).Records)) {
      out.push(...((parsed as { Records: T[] }).Records));
    } else {
      out.push(parsed as T);
    }
  }
  return out;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      labels: { type: 'string' },
      insights: { type: 'string' },
      emissions: { type: 'string' },
      json: { type: 'string' },
      before: { type: 'string' },
      after: { type: 'string' },
    },
    strict: true,
  });
  if (!values.labels || !values.insights) {
    console.error('usage: npx tsx bench/quality/score.ts --labels L --insights I.jsonl [--emissions E.jsonl] [--json OUT.json] [--before 15] [--after 10]');
    process.exit(2);
  }
  const labels = JSON.parse(readFileSync(values.labels, 'utf8')) as Labels;
  const insights = readJsonLines<InsightRecord>(readFileSync(values.insights, 'utf8'));
  const emissions = values.emissions ? readJsonLines<Emission>(readFileSync(values.emissions, 'utf8')) : undefined;
  const report = score(labels, insights, emissions, {
    beforeMinutes: values.before === undefined ? undefined : Number(values.before),
    afterMinutes: values.after === undefined ? undefined : Number(values.after),
  });
  console.log(formatReport(report, labels));
  if (values.json) {
    writeFileSync(values.json, JSON.stringify(report, null, 2) + '\n');
    console.log(`\nJSON report: ${values.json}`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
