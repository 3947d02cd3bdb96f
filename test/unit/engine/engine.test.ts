import { describe, expect, it } from 'vitest';
import { CountWindow } from '../../../lib/aggregate/count-window.js';
import { DEFAULT_DETECTOR_CONFIG, parseDetectorConfig, type DetectorConfig } from '../../../lib/config/detector-config.js';
import type { SeriesBaseline } from '../../../lib/baseline/types.js';
import { viewOf, withRecentHours } from '../../../lib/engine/baselines.js';
import { EngineCache } from '../../../lib/engine/cache.js';
import type { EngineDeps } from '../../../lib/engine/deps.js';
import { evaluateAll } from '../../../lib/engine/evaluate.js';
import { ingestLogFile } from '../../../lib/engine/ingest.js';
import { silentLogger } from '../../../lib/log/logger.js';
import { CollectingPublisher } from '../../support/collecting-publisher.js';
import { PublishIncompleteError } from '../../../lib/publish/errors.js';
import { FanOutPublisher } from '../../../lib/publish/fan-out-publisher.js';
import type { PublishedInsight, Publisher } from '../../../lib/publish/publisher.js';
import { MemoryStore } from '../../../lib/store/memory-store.js';
import { chunks, cloudTrailRecord, logFile, type BuiltFile } from '../../support/trail-builder.js';

const T0 = Date.UTC(2024, 4, 6) / 60_000; // a Monday, 00:00 UTC
const HOUR = 60;
const DAY = 1440;

function engine(config: DetectorConfig = DEFAULT_DETECTOR_CONFIG, publisher: Publisher = new CollectingPublisher()) {
  const store = new MemoryStore();
  const deps: EngineDeps = { store, publisher, config, log: silentLogger, maxDecompressedBytes: 64 * 1024 * 1024 };
  return { store, deps };
}

const ingest = (deps: EngineDeps, built: BuiltFile) => ingestLogFile(deps, built.file, chunks(built.body), { now: built.deliveryMinute });

/**
 * Background for `days` days: a job doing 2 PutMetricData-like writes every 5 minutes and
 * a little RunInstances noise, delivered every 5 minutes, 7 minutes after the events.
 */
function background(days: number, stopJobAt = Number.POSITIVE_INFINITY): BuiltFile[] {
  const files: BuiltFile[] = [];
  for (let start = T0; start < T0 + days * DAY; start += 5) {
    const records = [];
    for (let m = start; m < start + 5; m++) {
      if ((m - T0) % 5 === 0 && m < stopJobAt) {
        records.push(cloudTrailRecord(m, { eventSource: 'monitoring.amazonaws.com', eventName: 'PutMetricData' }, 3));
        records.push(cloudTrailRecord(m, { eventSource: 'monitoring.amazonaws.com', eventName: 'PutMetricData' }, 9));
      }
      if ((m * 7919) % 97 === 0) records.push(cloudTrailRecord(m, {}, 20));
    }
    files.push(logFile(records, start + 12));
  }
  return files;
}

/**
 * Ingests files in delivery order, evaluating every 5 minutes of clock like the schedule
 * (with its own deps when given: in Lambda the two functions run in separate containers).
 */
async function run(deps: EngineDeps, files: BuiltFile[], until?: number, evaluateDeps: EngineDeps = deps) {
  const ordered = [...files].sort((a, b) => a.deliveryMinute - b.deliveryMinute);
  let tick = Math.ceil(ordered[0]!.deliveryMinute / 5) * 5;
  for (const built of ordered) {
    for (; tick <= built.deliveryMinute; tick += 5) await evaluateAll(evaluateDeps, tick);
    await ingest(deps, built);
  }
  for (; until !== undefined && tick <= until; tick += 5) await evaluateAll(evaluateDeps, tick);
}

const iamBurst = (at: number, n: number) =>
  Array.from({ length: n }, (_, i) =>
    cloudTrailRecord(at + Math.floor(i / 10), {
      eventSource: 'iam.amazonaws.com',
      eventName: 'CreateUser',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111111111111:user/mallory' },
      userAgent: 'aws-cli/2.15',
    }, i % 60),
  );

// Each test replays days of trail through the engine: seconds, not milliseconds.
describe('Engine: ingest and evaluate', { timeout: 60_000 }, () => {
  it('starts an insight in the same ingest that reveals a burst, and ends it on closed minutes', async () => {
    // Prepare: two days of background, then 30 CreateUser calls by one user in 3 minutes.
    const publisher = new CollectingPublisher();
    const { deps } = engine(DEFAULT_DETECTOR_CONFIG, publisher);
    await run(deps, background(2));
    const burstAt = T0 + 2 * DAY + 10 * HOUR;
    // Act
    const outcome = await ingest(deps, logFile(iamBurst(burstAt, 30), burstAt + 6));
    // Assess: a Start for CreateUser and for the IAM-writes group, attributed to mallory.
    expect(outcome.status).toBe('ingested');
    const starts = outcome.status === 'ingested' ? outcome.published : [];
    expect(starts.map((r) => `${r.insightDetails.eventSource}:${r.insightDetails.eventName}`).sort()).toEqual([
      'iam.amazonaws.com:CreateUser',
      'trail-insights.group:IamWriteCalls',
    ]);
    const start = starts.find((r) => r.insightDetails.eventName === 'CreateUser')!;
    expect(start.eventTime).toBe(new Date(burstAt * 60_000).toISOString().replace('.000Z', 'Z'));
    expect(start.insightDetails.insightContext.attributions![0]!.insight[0]!.value).toBe('arn:aws:iam::111111111111:user/mallory');
    expect(start.insightDetails.insightContext.statistics.baseline.average).toBe(0);

    // Act: the schedule runs on past the lateness.
    for (let now = burstAt + 10; now <= burstAt + 60; now += 5) await evaluateAll(deps, now);
    // Assess
    const end = publisher.records.find((r) => r.insightDetails.state === 'End' && r.sharedEventID === start.sharedEventID);
    expect(end?.eventTime).toBe(new Date((burstAt + 3) * 60_000).toISOString().replace('.000Z', 'Z'));
    expect(end?.insightDetails.insightContext.statistics).toMatchObject({ insightDuration: 3, insight: { average: 10 } });
    expect(end?.insightDetails.insightContext.statistics.baseline).toEqual(start.insightDetails.insightContext.statistics.baseline);
  });

  it('applies a file once however often it is delivered, and re-publishes nothing', async () => {
    const publisher = new CollectingPublisher();
    const { deps, store } = engine(DEFAULT_DETECTOR_CONFIG, publisher);
    await run(deps, background(2));
    const burstAt = T0 + 2 * DAY + 600;
    const burst = logFile(iamBurst(burstAt, 30), burstAt + 6);
    const first = await ingest(deps, burst);
    const again = await ingest(deps, burst);
    const window = CountWindow.of(await store.readContributions('111111111111', 'us-east-1', burstAt, burstAt + 10), burstAt, burstAt + 10);
    expect(first).toMatchObject({ status: 'ingested', applied: true });
    expect(again).toMatchObject({ status: 'ingested', applied: false, published: [] });
    expect(window.sum('c|iam.amazonaws.com|CreateUser', burstAt, burstAt + 10)).toBe(30);
    expect(publisher.records.filter((r) => r.insightDetails.state === 'Start')).toHaveLength(2);
  });

  it('publishes the same records on the retry after a failed publish', async () => {
    // Prepare: a publisher that fails once.
    const delivered: PublishedInsight[] = [];
    let failures = 1;
    const flaky: Publisher = {
      async publish(insights) {
        if (failures-- > 0) throw new Error('EventBridge unavailable');
        delivered.push(...insights);
      },
    };
    const { deps } = engine(DEFAULT_DETECTOR_CONFIG, flaky);
    failures = 0;
    await run(deps, background(2));
    failures = 1;
    const burstAt = T0 + 2 * DAY + 600;
    const burst = logFile(iamBurst(burstAt, 30), burstAt + 6);
    // Act
    await expect(ingest(deps, burst)).rejects.toThrow('EventBridge unavailable');
    const retry = await ingest(deps, burst);
    // Assess: the retry owes and delivers the Starts the first attempt recorded, once each.
    expect(retry).toMatchObject({ status: 'ingested', applied: false });
    const ids = delivered.map((d) => d.record.eventID);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
  });

  it('re-sends only the records that were not delivered when a publish fails partway', async () => {
    // Prepare: the last stage accepts everything but one record, once.
    const accepted: string[] = [];
    let refuse: string | undefined;
    const bus: Publisher = {
      async publish(insights) {
        const failed = insights.filter((insight) => insight.record.eventID === refuse).map((i) => i.record.eventID);
        accepted.push(...insights.map((i) => i.record.eventID).filter((id) => !failed.includes(id)));
        refuse = undefined;
        if (failed.length > 0) throw Object.assign(new Error('entry throttled'), { failedEventIDs: failed });
      },
    };
    const files = new CollectingPublisher();
    const { deps } = engine(DEFAULT_DETECTOR_CONFIG, new FanOutPublisher([files, bus]));
    await run(deps, background(2));
    const burstAt = T0 + 2 * DAY + 600;
    const burst = logFile(iamBurst(burstAt, 30), burstAt + 6);
    const { insightIds } = await import('../../../lib/insights/ids.js');
    refuse = insightIds({ account: '111111111111', region: 'us-east-1', seriesId: 'c|iam.amazonaws.com|CreateUser', kind: 'spike', startMinute: burstAt }).startEventID;
    // Act
    await expect(ingest(deps, burst)).rejects.toThrow(PublishIncompleteError);
    await ingest(deps, burst);
    // Assess: both Starts reached the bus exactly once.
    expect(accepted).toHaveLength(2);
    expect(new Set(accepted).size).toBe(2);
  });

  it('reports a periodic job that stops, and its return', async () => {
    const publisher = new CollectingPublisher();
    const { deps } = engine(DEFAULT_DETECTOR_CONFIG, publisher);
    const stopAt = T0 + 2 * DAY + 300;
    const files = background(3, stopAt).filter((f) => f.deliveryMinute < T0 + 2 * DAY + 500 || f.deliveryMinute > T0 + 2 * DAY + 700);
    // The job resumes at 700 (files after it carry the job's records again).
    const resumed = background(3).filter((f) => f.deliveryMinute > T0 + 2 * DAY + 700);
    await run(deps, [...files.filter((f) => f.deliveryMinute <= T0 + 2 * DAY + 700), ...resumed], T0 + 2 * DAY + 800);
    const drop = publisher.records.filter((r) => r.insightDetails.eventName === 'PutMetricData');
    expect(drop.map((r) => r.insightDetails.state)).toEqual(['Start', 'End']);
    expect(drop[0]!.eventTime).toBe(new Date((stopAt - 4) * 60_000).toISOString().replace('.000Z', 'Z'));
    expect(drop[0]!.insightDetails.insightContext.statistics.insight.average).toBe(0);
    expect(drop[0]!.insightDetails.insightContext.statistics.baseline.average).toBeGreaterThan(0.3);
  });

  it('rolls late data into an hour that was already rolled', async () => {
    const { deps, store } = engine();
    await run(deps, background(1), T0 + DAY + 120);
    const lateHour = T0 / 60 + 3;
    const before = (await store.readRollups('111111111111', 'us-east-1', lateHour, lateHour))[0]!;
    const late = logFile([cloudTrailRecord(T0 + 3 * 60 + 5, { eventName: 'RunInstances' })], T0 + DAY + 125);
    await ingest(deps, late);
    expect(await store.listDirty('111111111111', 'us-east-1')).toHaveLength(1);
    // Re-rolled with the next hour that closes (dirty marks are read when hours roll).
    await evaluateAll(deps, T0 + DAY + 130);
    expect(await store.listDirty('111111111111', 'us-east-1')).toHaveLength(1);
    await evaluateAll(deps, T0 + DAY + 180);
    const after = (await store.readRollups('111111111111', 'us-east-1', lateHour, lateHour))[0]!;
    const count = (r: typeof before, id: string) => r.series.find((s) => s.id === id)?.stats.count ?? 0;
    expect(count(after, 'c|ec2.amazonaws.com|RunInstances')).toBe(count(before, 'c|ec2.amazonaws.com|RunInstances') + 1);
    expect(await store.listDirty('111111111111', 'us-east-1')).toHaveLength(0);
  });

  it('reads baselines far less with a container cache, and publishes exactly the same', async () => {
    // Prepare: the same trail (with a late file that makes evaluate re-roll an hour), twice.
    const trail = [...background(2), logFile([cloudTrailRecord(T0 + DAY + 5, {}, 1)], T0 + DAY + 200)];
    trail.push(logFile(iamBurst(T0 + 2 * DAY + 600, 30), T0 + 2 * DAY + 606));
    const runWith = async (caches?: { ingest: EngineCache; evaluate: EngineCache }) => {
      const publisher = new CollectingPublisher();
      const { deps, store } = engine(DEFAULT_DETECTOR_CONFIG, publisher);
      let reads = 0;
      const counting = new Proxy(store, {
        get: (target, property, receiver) => {
          if (property === 'readBaselines') reads += 1;
          return Reflect.get(target, property, receiver) as unknown;
        },
      });
      // One cache per function, as their containers are separate: ingest's learns of new
      // baselines only through the evaluate state's version.
      const ingestDeps = { ...deps, store: counting, ...(caches && { cache: caches.ingest }) };
      const evaluateDeps = { ...deps, store: counting, ...(caches && { cache: caches.evaluate }) };
      await run(ingestDeps, trail, T0 + 2 * DAY + 700, evaluateDeps);
      return { records: publisher.records, reads };
    };
    // Act
    const plain = await runWith();
    const cached = await runWith({ ingest: new EngineCache(), evaluate: new EngineCache() });
    // Assess
    expect(cached.records.length).toBeGreaterThan(0);
    expect(JSON.stringify(cached.records)).toBe(JSON.stringify(plain.records));
    expect(cached.reads).toBeLessThan(plain.reads / 10);
  });

  it('writes baselines once a day, while detection sees every rolled hour (late ones included)', async () => {
    // Prepare: count baseline items written; a late file lands in an hour before the checkpoint.
    const { deps, store } = engine();
    let written = 0;
    const counting = new Proxy(store, {
      get: (target, property, receiver) => {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property !== 'writeBaselines') return value;
        return (account: string, region: string, baselines: readonly SeriesBaseline[]) => {
          written += baselines.length;
          return store.writeBaselines(account, region, baselines);
        };
      },
    });
    const late = logFile([cloudTrailRecord(T0 + 90, { eventName: 'TerminateInstances' })], T0 + 2 * DAY + 30);
    // Act
    await run({ ...deps, store: counting }, [...background(2), late], T0 + 2 * DAY + 120);
    // Assess: every rolled hour of every series, as if written hourly …
    const state = await store.readState('111111111111', 'us-east-1');
    const [entry] = await store.listAccountRegions();
    const seen = (await viewOf(deps, entry!, state)).allBaselines();
    const everyHour = withRecentHours([], await store.readRollups('111111111111', 'us-east-1', 0, state.rolledThroughHour!));
    expect(seen).toEqual(everyHour);
    expect(seen.find((b) => b.id === 'c|ec2.amazonaws.com|TerminateInstances')?.hours.map(([hour]) => hour)).toEqual([T0 / 60 + 1]);
    // … for about one write per active series per day (hourly would be one per series per active hour).
    const activeSeriesHours = everyHour.reduce((n, b) => n + b.hours.length, 0);
    expect(state.checkpointHour).toBeGreaterThanOrEqual(T0 / 60 + 24);
    expect(written).toBeLessThan(activeSeriesHours / 6);
  });

  it('quarantines a file it cannot read, with the reason, and counts nothing from it', async () => {
    const { deps, store } = engine();
    const good = logFile([cloudTrailRecord(T0)], T0 + 5);
    const truncated = { ...good, body: good.body.subarray(0, good.body.length - 8) };
    const outcome = await ingest(deps, truncated);
    expect(outcome).toMatchObject({ status: 'quarantined', code: 'truncated-gzip' });
    expect(await store.readQuarantine(good.file.objectId)).toMatchObject({ code: 'truncated-gzip', key: good.file.key });
    expect(await store.readContributions('111111111111', 'us-east-1', T0 - 10, T0 + 10)).toEqual([]);
  });

  it('honours the lateness: nothing closes before it', async () => {
    const config = parseDetectorConfig({ latenessMinutes: 60 });
    const { deps, store } = engine(config);
    await run(deps, background(1).slice(0, 24), T0 + 130);
    // Hour 0 (minutes T0..T0+59) closes once the clock passes T0+59 plus the lateness;
    // hour 1 would need T0+119 + 60, beyond the last run at T0+130.
    const state = await store.readState('111111111111', 'us-east-1');
    expect(state.rolledThroughHour).toBe(T0 / 60);
    expect(state.closedThrough).toBeGreaterThanOrEqual(T0 + 59);
    expect(state.closedThrough).toBeLessThanOrEqual(T0 + 130 - 60);
  });
});
