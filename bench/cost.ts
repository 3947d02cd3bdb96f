/**
 * What the pipeline costs to run, measured: DynamoDB capacity units as DynamoDB Local
 * reports them (AWS's own accounting rules), calls, CPU and wall time per file, over a
 * trail replayed through the real DynamoDB adapter with the Lambda schedule's steps.
 * Prices are inputs (below, with their source); the measured quantities are not.
 *
 *   npx tsx bench/cost.ts [--trail DIR] [--memory-mb 512] [--label name]
 *
 * Prints a table and writes bench/out/cost-<label>.json.
 */
import { DynamoDBClient, CreateTableCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { replayPlan } from '../lib/cli/replay-plan.js';
import { dateUnnamedFiles, findLocalFiles } from '../lib/cli/trail-files.js';
import { DEFAULT_DETECTOR_CONFIG } from '../lib/config/detector-config.js';
import { EngineCache } from '../lib/engine/cache.js';
import type { EngineDeps } from '../lib/engine/deps.js';
import { evaluateAll } from '../lib/engine/evaluate.js';
import { ingestLogFile } from '../lib/engine/ingest.js';
import { silentLogger } from '../lib/log/logger.js';
import { CollectingPublisher } from '../test/support/collecting-publisher.js';
import { DynamoDbStore } from '../lib/store/dynamodb-store.js';
import { TABLE_KEYS, tableDefinition } from '../lib/store/table.js';
import { startLocalAws } from '../test/support/local-aws.js';
import { datasetPath } from '../test/support/datasets.js';
import { CapacityMeter } from './capacity-meter.js';

/**
 * us-east-1 list prices (USD), November 2026: DynamoDB on-demand $0.625 per million write
 * request units and $0.125 per million read request units (aws.amazon.com/dynamodb/pricing,
 * after the November 2024 reduction); Lambda arm64 $0.0000133334 per GB-second and $0.20
 * per million requests; SQS standard $0.40 per million requests (a message costs a send, a
 * receive and a delete); S3 GET $0.0004 per 1,000; EventBridge custom events $1.00 per
 * million; CloudTrail Insights $0.35 per 100,000 events analysed per insight type.
 */
export const PRICES = {
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  sqsRequest: 0.4 / 1e6,
  s3Get: 0.0004 / 1000,
  eventBridgeEvent: 1 / 1e6,
  awsInsightsPerEvent: 0.35 / 100_000,
};

/**
 * Lambda bills wall time, and in a region that is not what a laptop measures against
 * DynamoDB Local on loopback. Billed duration is modelled from what was measured: CPU
 * time stretched by the vCPU share of the memory size (1,769 MB = 1 vCPU), plus each
 * call's typical in-region latency (single-digit ms for DynamoDB, tens for an S3 GET's
 * first byte).
 */
export const LATENCY_MS = { dynamodbCall: 5, s3Get: 20 };
const FULL_VCPU_MB = 1769;
const SQS_REQUESTS_PER_FILE = 3;

const { values } = parseArgs({
  options: {
    trail: { type: 'string', default: datasetPath('invictus-stratus-run') },
    'memory-mb': { type: 'string', default: '512' },
    label: { type: 'string', default: 'invictus' },
  },
});
const memoryGb = Number(values['memory-mb']) / 1024;

const aws = await startLocalAws();
Object.assign(process.env, aws.env);
try {
  const meter = new CapacityMeter();
  const client = meter.attach(new DynamoDBClient({}));
  const tableName = 'cost-bench';
  await client.send(new CreateTableCommand(tableDefinition(tableName)));
  await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttlAttribute, Enabled: true } }));
  meter.reset();
  meter.byOperation.clear();
  const publisher = new CollectingPublisher();
  const deps: EngineDeps = {
    store: new DynamoDbStore({ client, tableName }),
    publisher,
    config: DEFAULT_DETECTOR_CONFIG,
    log: silentLogger,
    maxDecompressedBytes: 1024 ** 3,
  };
  // As deployed: the ingest and evaluate functions run in separate containers, each with
  // its own module-scope cache (one warm container each, a steady trickle of files).
  const ingestDeps: EngineDeps = { ...deps, store: meter.label(deps.store, 'ingest'), cache: new EngineCache() };
  const evaluateDeps: EngineDeps = { ...deps, store: meter.label(deps.store, 'evaluate'), cache: new EngineCache() };
  const { dated: files } = await dateUnnamedFiles((await findLocalFiles([values.trail])).files, deps.maxDecompressedBytes);

  const phases = {
    ingest: { invocations: 0, wallMs: 0, cpuMs: 0, units: { writeRequests: 0, writeUnits: 0, readRequests: 0, readUnits: 0 } },
    evaluate: { invocations: 0, wallMs: 0, cpuMs: 0, units: { writeRequests: 0, writeUnits: 0, readRequests: 0, readUnits: 0 } },
  };
  const cpuStretch = Math.max(1, FULL_VCPU_MB / Number(values['memory-mb']));
  const billedMs = (phase: (typeof phases)['ingest'], s3Gets: number) =>
    phase.cpuMs * cpuStretch + (phase.units.writeRequests + phase.units.readRequests) * LATENCY_MS.dynamodbCall + s3Gets * LATENCY_MS.s3Get;
  const events = { records: 0, management: 0, writes: 0, errors: 0 };
  const NOT_MANAGEMENT = new Set(['data-event', 'network-activity', 'insight', 'other-category']);
  for (const step of replayPlan(files)) {
    meter.reset();
    const wall = performance.now();
    const cpu = process.cpuUsage();
    let phase;
    if (step.kind === 'evaluate') {
      phase = phases.evaluate;
      await evaluateAll(evaluateDeps, step.now);
    } else {
      phase = phases.ingest;
      const outcome = await ingestLogFile(ingestDeps, step.file.file, await step.file.open(), { now: step.file.deliveryMinute, acceptBareArray: true });
      if (outcome.status === 'ingested') {
        const { stats } = outcome;
        events.records += stats.records;
        events.writes += stats.writes;
        events.errors += stats.errors;
        const notManagement = Object.entries(stats.ignored).filter(([reason]) => NOT_MANAGEMENT.has(reason)).reduce((n, [, c]) => n + c, 0);
        const malformed = Object.values(stats.malformed).reduce((n, c) => n + c, 0);
        events.management += stats.records - notManagement - malformed - stats.duplicates;
      }
    }
    const used = process.cpuUsage(cpu);
    phase.invocations += 1;
    phase.wallMs += performance.now() - wall;
    phase.cpuMs += (used.user + used.system) / 1000;
    const totals = meter.totals();
    for (const key of Object.keys(totals) as Array<keyof typeof totals>) phase.units[key] += totals[key];
  }

  const dollars = (phase: (typeof phases)['ingest'], s3Gets: number, sqs: number) => ({
    dynamo: phase.units.writeUnits * PRICES.dynamoWriteUnit + phase.units.readUnits * PRICES.dynamoReadUnit,
    lambda: (billedMs(phase, s3Gets) / 1000) * memoryGb * PRICES.lambdaGbSecond + phase.invocations * PRICES.lambdaRequest,
    s3: s3Gets * PRICES.s3Get,
    sqs: sqs * PRICES.sqsRequest,
  });
  // Each log file is one message: the notification's SendMessage (S3 or EventBridge sends it
  // on our bill), the pollers' ReceiveMessage and Lambda's DeleteMessage. Batches share the
  // last two when files arrive together; counted here as if they never did.
  const ingestCost = dollars(phases.ingest, phases.ingest.invocations, SQS_REQUESTS_PER_FILE * phases.ingest.invocations);
  const evaluateCost = dollars(phases.evaluate, 0, 0);
  const publishCost = publisher.records.length * PRICES.eventBridgeEvent;
  const total = [...Object.values(ingestCost), ...Object.values(evaluateCost), publishCost].reduce((a, b) => a + b, 0);
  // AWS analyses write management events for call rate and all management events for error rate.
  const awsPrice = (events.writes + events.management) * PRICES.awsInsightsPerEvent;
  const per100k = (value: number) => (value / events.management) * 100_000;
  const accountRegionDays = new Set(files.map((f) => `${f.file.account}|${f.file.region}`)).size * Math.max(1, phases.evaluate.invocations / 288);
  const perFileDollars = Object.values(ingestCost).reduce((a, b) => a + b, 0) / phases.ingest.invocations;
  const perAccountRegionDayDollars = Object.values(evaluateCost).reduce((a, b) => a + b, 0) / accountRegionDays;

  const opDollars = (op: { readUnits: number; writeUnits: number }) => op.readUnits * PRICES.dynamoReadUnit + op.writeUnits * PRICES.dynamoWriteUnit;
  const report = {
    trail: values.trail,
    files: files.length,
    events,
    insightsPublished: publisher.records.length,
    memoryMb: Number(values['memory-mb']),
    phases,
    modelledBilledMs: { ingestPerFile: billedMs(phases.ingest, phases.ingest.invocations) / phases.ingest.invocations, evaluatePerRun: billedMs(phases.evaluate, 0) / phases.evaluate.invocations },
    fixed: { perFileDollars, perAccountRegionDayDollars, accountRegionDays },
    perFile: {
      writeRequests: phases.ingest.units.writeRequests / phases.ingest.invocations,
      writeUnits: phases.ingest.units.writeUnits / phases.ingest.invocations,
      readUnits: phases.ingest.units.readUnits / phases.ingest.invocations,
      wallMs: phases.ingest.wallMs / phases.ingest.invocations,
      cpuMs: phases.ingest.cpuMs / phases.ingest.invocations,
    },
    per100kManagementEvents: {
      writeUnits: per100k(phases.ingest.units.writeUnits + phases.evaluate.units.writeUnits),
      readUnits: per100k(phases.ingest.units.readUnits + phases.evaluate.units.readUnits),
      dollars: per100k(total),
      awsInsightsDollars: per100k(awsPrice),
    },
    // Where the capacity goes, per store operation (e.g. `evaluate.readContributions`).
    byOperation: Object.fromEntries([...meter.byOperation].sort(([, a], [, b]) => opDollars(b) - opDollars(a))),
    costs: { ingest: ingestCost, evaluate: evaluateCost, publish: publishCost, total, awsInsights: awsPrice, ratio: total / awsPrice },
  };
  mkdirSync(new URL('./out/', import.meta.url), { recursive: true });
  writeFileSync(new URL(`./out/cost-${values.label}.json`, import.meta.url), JSON.stringify(report, null, 2));

  const f = (n: number, digits = 2) => n.toFixed(digits);
  console.log(`trail ${values.trail}: ${files.length} files, ${events.records} records, ${events.management} management events (${events.writes} writes, ${events.errors} errors)`);
  console.log(`ingest   : ${phases.ingest.invocations} files; per file ${f(report.perFile.writeRequests)} write requests, ${f(report.perFile.writeUnits)} WCU, ${f(report.perFile.readUnits)} RCU, ${f(report.perFile.wallMs, 1)} ms wall, ${f(report.perFile.cpuMs, 1)} ms CPU`);
  console.log(`evaluate : ${phases.evaluate.invocations} runs; ${phases.evaluate.units.writeUnits} WCU, ${phases.evaluate.units.readUnits} RCU, ${f(phases.evaluate.wallMs / Math.max(1, phases.evaluate.invocations), 1)} ms wall per run`);
  console.log(`per 100,000 management events: ${f(report.per100kManagementEvents.writeUnits, 0)} WCU, ${f(report.per100kManagementEvents.readUnits, 0)} RCU`);
  console.log(`modelled billed Lambda time: ${f(report.modelledBilledMs.ingestPerFile, 1)} ms per file, ${f(report.modelledBilledMs.evaluatePerRun, 1)} ms per evaluate run`);
  console.log(`fixed costs: $${perFileDollars.toExponential(2)} per log file, $${perAccountRegionDayDollars.toFixed(5)} per account-region-day of evaluation`);
  const parts = { ...Object.fromEntries(Object.entries(ingestCost).map(([k, v]) => [`ingest.${k}`, per100k(v)])), ...Object.fromEntries(Object.entries(evaluateCost).map(([k, v]) => [`evaluate.${k}`, per100k(v)])), publish: per100k(publishCost) };
  console.log(`per 100,000 management events by item: ${Object.entries(parts).filter(([, v]) => v > 0).map(([k, v]) => `${k} $${v.toFixed(5)}`).join(', ')}`);
  const top = Object.entries(report.byOperation).slice(0, 6);
  console.log(`DynamoDB by operation (top 6): ${top.map(([name, op]) => `${name} ${op.readUnits} RCU + ${op.writeUnits} WCU in ${op.calls} requests`).join('; ')}`);
  console.log(`cost per 100,000 management events: $${report.per100kManagementEvents.dollars.toFixed(5)} (Lambda at ${values['memory-mb']} MB) vs AWS Insights $${report.per100kManagementEvents.awsInsightsDollars.toFixed(4)} → ${(100 * report.costs.ratio).toFixed(2)} %`);
} finally {
  await aws.stop();
}
