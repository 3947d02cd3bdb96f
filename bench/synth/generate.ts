import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minuteToIso } from '../../lib/time/minute.js';
import { MS_PER_DAY, MS_PER_MINUTE } from './calendar.js';
import { Cast } from './cast.js';
import { Delivery } from './delivery.js';
import { AccountEnv, type StopWindow, type TagLedger } from './env.js';
import { IncidentBehaviour, isStop } from './incidents.js';
import type { ExpectedSeries, InjectedSummary, LabelledIncident, LabelledNormal, Labels, RecordCounts } from './labels.js';
import { buildProfile, type ProfileName } from './profiles.js';
import { Rng } from './rng.js';
import { seriesKey, type SeriesRef } from './series-of.js';

/**
 * Writes a labelled synthetic CloudTrail dataset: real log-file layout under
 * `<out>/AWSLogs/...` and `<out>/labels.json`. Same seed and options, same bytes.
 */
export interface GenerateOptions {
  seed: number;
  out: string;
  profile?: ProfileName;
  /** Length in days; the profile's minimum by default. */
  days?: number;
  /** First day, `YYYY-MM-DD` (UTC midnight). The default, a Thursday, puts a Saturday after warm-up. */
  start?: string;
  /**
   * Only these accounts (profile names: `prod`, `dev`, `data`, `security`, `demo`): a quick
   * slice for tests and tuning. Each account's data does not depend on the others.
   */
  accounts?: string[];
}

export const DEFAULT_START = '2024-02-22';
/**
 * Days of background before the first incident: `full` gives the engine a complete
 * 7-day baseline (AWS's); `sample` only the engine's own 24-hour warm-up plus a day, so
 * the committed sample stays small while its log files arrive every 5 minutes like real ones.
 */
export const WARMUP_DAYS: Record<ProfileName, number> = { full: 7, sample: 2 };
const GENERATOR_VERSION = 1;

export function generate(opts: GenerateOptions): Labels {
  const profileName = opts.profile ?? 'full';
  const startMs = Date.parse(`${opts.start ?? DEFAULT_START}T00:00:00Z`);
  if (!Number.isFinite(startMs)) throw new Error(`bad start date: ${opts.start}`);
  const rng = new Rng(`trail-insights-synth/${opts.seed}`);
  const warmupDays = WARMUP_DAYS[profileName];
  const probe = buildProfile(profileName, { rng, startMs, endMs: startMs, days: 0, warmupEndMs: startMs + warmupDays * MS_PER_DAY });
  const days = opts.days ?? probe.minDays;
  if (days < probe.minDays) throw new Error(`profile ${profileName} needs at least ${probe.minDays} days (incidents follow a ${warmupDays}-day warm-up)`);
  const endMs = startMs + days * MS_PER_DAY;
  const warmupEndMs = startMs + warmupDays * MS_PER_DAY;
  const profile = buildProfile(profileName, { rng, startMs, endMs, days, warmupEndMs });
  mkdirSync(opts.out, { recursive: true });

  const counts: RecordCounts = { total: 0, managementWrite: 0, managementRead: 0, data: 0, errors: 0, incident: 0 };
  const stats = { files: 0, bytes: 0, duplicates: 0, maxDelayMinutes: 0 };
  const incidents: LabelledIncident[] = [];
  const normal: LabelledNormal[] = [];

  const plans = opts.accounts ? profile.accounts.filter((a) => opts.accounts?.includes(a.info.name)) : profile.accounts;
  if (plans.length === 0) throw new Error(`no account named ${opts.accounts?.join(', ')} in profile ${profileName}`);
  for (const plan of plans) {
    const accRng = rng.fork(`account/${plan.info.name}`);
    const mine = profile.incidents.filter((i) => i.account === plan.info.name);
    const stops = new Map<string, StopWindow[]>();
    for (const i of mine) {
      if (!isStop(i)) continue;
      const list = stops.get(i.jobId) ?? [];
      list.push({ fromMs: i.at, toMs: i.until, tag: i.id });
      stops.set(i.jobId, list);
    }
    const delivery = new Delivery({ outDir: opts.out, account: plan.info.id, startMs, everyMinutes: profile.deliveryEveryMinutes, rng: accRng.fork('delivery'), gzipLevel: profile.gzipLevel });
    const env = new AccountEnv(plan.info, accRng, delivery, startMs, endMs, stops);
    const cast = new Cast(accRng.fork('cast'), plan.info, plan.humans, plan.readOnlyShare);
    const behaviours = plan.behaviours(cast, accRng.fork('behaviours'));
    for (const i of mine) if (!isStop(i)) behaviours.push(new IncidentBehaviour(i, cast, accRng.fork('incidents')));

    for (let d = 0; d < days; d++) {
      const from = startMs + d * MS_PER_DAY;
      const to = from + MS_PER_DAY;
      env.windowStart = from;
      for (const b of behaviours) b.generate(env, from, to);
      delivery.flushUpTo(to);
    }
    delivery.finish();

    for (const i of mine) {
      const ledger = env.ledgers.get(i.id);
      if (!ledger || (ledger.records === 0 && ledger.missingRecords === 0)) throw new Error(`incident ${i.id} left nothing in the trail`);
      const expect: ExpectedSeries[] = isStop(i)
        ? [{ insightType: 'ApiCallRateInsight', eventSource: i.eventSource, eventName: i.eventName }]
        : expectOf(ledger, i.region);
      incidents.push({
        id: i.id,
        kind: i.kind,
        size: i.size,
        account: plan.info.id,
        region: i.region,
        start: minuteToIso(Math.floor(ledger.firstMs / MS_PER_MINUTE)),
        end: minuteToIso(Math.floor(ledger.lastMs / MS_PER_MINUTE)),
        description: i.description,
        expect,
        injected: summary(ledger),
      });
      counts.incident += ledger.records;
    }
    for (const [tag, ledger] of env.ledgers) {
      const spec = profile.decoys.find((d) => tag === d.id || tag.startsWith(`${d.id}#`));
      if (!spec || ledger.records === 0) continue;
      normal.push({
        id: tag,
        kind: spec.kind,
        policy: spec.policy,
        account: plan.info.id,
        region: spec.region,
        start: minuteToIso(Math.floor(ledger.firstMs / MS_PER_MINUTE)),
        end: minuteToIso(Math.floor(ledger.lastMs / MS_PER_MINUTE)),
        description: spec.description,
        expect: expectOf(ledger, spec.region),
        injected: summary(ledger),
      });
    }
    for (const k of ['total', 'managementWrite', 'managementRead', 'data', 'errors'] as const) counts[k] += env.counts[k];
    stats.files += delivery.stats.files;
    stats.bytes += delivery.stats.bytes;
    stats.duplicates += delivery.stats.duplicates;
    stats.maxDelayMinutes = Math.max(stats.maxDelayMinutes, delivery.stats.maxDelayMinutes);
  }

  incidents.sort((a, b) => a.id.localeCompare(b.id));
  normal.sort((a, b) => a.id.localeCompare(b.id));
  const labels: Labels = {
    generator: {
      name: 'trail-insights-synth',
      version: GENERATOR_VERSION,
      seed: opts.seed,
      profile: profileName,
      days,
      deliveryEveryMinutes: profile.deliveryEveryMinutes,
      // Slot wait + the usual 4-14 minute delay; the 1% later records stay late.
      recommendedLatenessMinutes: profile.deliveryEveryMinutes + 15,
    },
    start: minuteToIso(startMs / MS_PER_MINUTE),
    end: minuteToIso(endMs / MS_PER_MINUTE),
    warmupEnd: minuteToIso(warmupEndMs / MS_PER_MINUTE),
    accounts: plans.map((a) => ({ id: a.info.id, name: a.info.name, character: a.info.character, tzHours: a.info.tzHours, regions: [...a.info.regions] })),
    incidents,
    normal,
    stats: { ...stats, records: counts },
  };
  writeFileSync(join(opts.out, 'labels.json'), JSON.stringify(labels, null, 2) + '\n');
  return labels;
}

/** Every series the tagged records touched; `region` only where it differs from the label's. */
function expectOf(ledger: TagLedger, region: string): ExpectedSeries[] {
  return [...ledger.series.values()]
    .sort((a, b) => seriesKey(a).localeCompare(seriesKey(b)))
    .map((s: SeriesRef) => {
      const e: ExpectedSeries = { insightType: s.insightType, eventSource: s.eventSource, eventName: s.eventName };
      if (s.errorCode !== undefined) e.errorCode = s.errorCode;
      if (s.region !== region) e.region = s.region;
      return e;
    });
}

function summary(ledger: TagLedger): InjectedSummary {
  const out: InjectedSummary = {
    records: ledger.records,
    byEventName: Object.fromEntries([...ledger.byEventName.entries()].sort(([a], [b]) => a.localeCompare(b))),
    principals: [...ledger.principals].sort(),
    userAgents: [...ledger.userAgents].sort(),
  };
  if (ledger.missingRecords > 0) out.missingRecords = ledger.missingRecords;
  return out;
}
