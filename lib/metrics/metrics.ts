/**
 * The stack's own CloudWatch metrics: names, units and meaning in one place, and the port
 * code records them through. The engine never sees this port: the runtime layer
 * (lib/runtime) turns what the engine returns (`IngestOutcome`, `EvaluateOutcome`) into
 * figures, and adapts the port to Powertools' EMF `Metrics` in Lambda. Alarms
 * (infra/alarms.yml) and the dashboard (infra/dashboard.yml) name these metrics too, and a
 * test holds them to this list.
 *
 * Every metric has one dimension, `service` (`trail-insights-<stage>`), in the namespace
 * {@link METRICS_NAMESPACE}; each name costs $0.30 a month (CloudWatch custom metrics).
 */
export const METRICS_NAMESPACE = 'TrailInsights';

export type MetricUnitName = 'Count' | 'Milliseconds' | 'Seconds';

interface MetricDefinition {
  unit: MetricUnitName;
  description: string;
}

/** What the two functions record today. */
export const METRICS = {
  FilesIngested: { unit: 'Count', description: 'log files read and counted for the first time' },
  FilesSkipped: {
    unit: 'Count',
    description: 'objects announced but not counted: not a log file (digest, Insights file, other key), empty, deleted before reading, or already counted',
  },
  FilesQuarantined: { unit: 'Count', description: 'log files that cannot be read (not gzip, not JSON, over the size cap); never retried' },
  Records: { unit: 'Count', description: 'CloudTrail records read from the files counted' },
  DynamoDbWriteCalls: { unit: 'Count', description: 'DynamoDB write requests sent (PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems)' },
  InsightsOpened: { unit: 'Count', description: 'Start records published (an insight opened and was reported)' },
  InsightsEnded: { unit: 'Count', description: 'End records published' },
  InsightRecordsPublished: { unit: 'Count', description: 'Insights records (Start and End) delivered to S3 and EventBridge' },
  IngestLag: { unit: 'Seconds', description: "per log file: when it was counted minus CloudTrail's delivery stamp in its key (YYYYMMDDTHHmmZ)" },
  EvaluateDuration: { unit: 'Milliseconds', description: 'one scheduled evaluation run, start to end' },
  AccountRegionsEvaluated: { unit: 'Count', description: 'account-regions one evaluation run went through' },
} as const satisfies Record<string, MetricDefinition>;

/**
 * Names reserved for features being built (backfill, evaluation fan-out): record them
 * through the same port so the alarms and dashboard can count on the names.
 */
export const RESERVED_METRICS = {
  BackfillFilesQueued: { unit: 'Count', description: 'historical log files a backfill put on the ingest queue' },
  BackfillFilesIngested: { unit: 'Count', description: 'historical log files a backfill counted (recorded instead of IngestLag: their lag is their age)' },
  BackfillFilesRemaining: { unit: 'Count', description: 'files a running backfill has still to count (progress)' },
  EvaluateShardsDispatched: { unit: 'Count', description: 'account-region shards the evaluation dispatcher queued in one run' },
  EvaluateShardDuration: { unit: 'Milliseconds', description: 'one evaluation worker run over one shard' },
  EvaluateShardsFailed: { unit: 'Count', description: 'shards whose evaluation failed (retried from the queue)' },
} as const satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof METRICS | keyof typeof RESERVED_METRICS;

export const unitOf = (name: MetricName): MetricUnitName => ({ ...METRICS, ...RESERVED_METRICS })[name].unit;

/**
 * Where figures go. `add` may be called several times for one name in an invocation: a
 * count is then summed by CloudWatch, a duration or lag becomes several samples.
 * @example metrics.add('FilesIngested', 1); metrics.add('IngestLag', 42);
 */
export interface MetricsRecorder {
  add(name: MetricName, value: number): void;
}

/** Records nothing (the CLI, tests of code that takes a recorder). */
export const noMetrics: MetricsRecorder = { add: () => {} };
