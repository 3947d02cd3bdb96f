import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { InsightRecord } from '../insights/record.js';
import type { LogFields, Logger, LogLevel } from '../log/logger.js';
import { METRICS_NAMESPACE, unitOf, type MetricsRecorder } from '../metrics/metrics.js';

/**
 * Lambda's telemetry, Powertools for AWS Lambda behind the engine's own ports: the
 * engine logs through `Logger` (lib/log/logger.ts) and figures are recorded through
 * `MetricsRecorder` (lib/metrics/metrics.ts), so neither the engine nor the CLI depends
 * on Powertools. The handlers hand `logger` and `metrics` to Powertools' middy
 * middlewares, which add the request id and cold start to every log line and flush
 * one EMF document per invocation.
 */
export interface Telemetry {
  /** For `injectLambdaContext`. */
  logger: PowertoolsLogger;
  /** For `logMetrics`. */
  metrics: Metrics;
  /** The engine's port onto `logger`. */
  log: Logger;
  /** The metrics port onto `metrics`. */
  recorder: MetricsRecorder;
}

export interface TelemetryOptions {
  /** The `service` key of log lines and the `service` dimension of metrics (`trail-insights-<stage>`). */
  serviceName: string;
  logLevel: LogLevel;
}

export function lambdaTelemetry(options: TelemetryOptions): Telemetry {
  const logger = new PowertoolsLogger({ serviceName: options.serviceName, logLevel: options.logLevel.toUpperCase() as 'INFO' });
  // Powertools' own warnings (e.g. a dimension it refuses) go to the structured log too.
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: options.serviceName, logger });
  return {
    logger,
    metrics,
    log: portLogger(logger),
    recorder: { add: (name, value) => metrics.addMetric(name, MetricUnit[unitOf(name)], value) },
  };
}

/**
 * The engine's `Logger` port on a Powertools logger: fields become top-level keys. A
 * child adds its fields to each line itself rather than through Powertools'
 * `createChild`, whose new instance would report every invocation as a cold start
 * (and one Logger per log file is more than a batch needs).
 */
export function portLogger(logger: PowertoolsLogger, base: LogFields = {}): Logger {
  const fieldsOf = (fields?: LogFields) => ({ ...base, ...fields });
  return {
    debug: (message, fields) => logger.debug(message, fieldsOf(fields)),
    info: (message, fields) => logger.info(message, fieldsOf(fields)),
    warn: (message, fields) => logger.warn(message, fieldsOf(fields)),
    error: (message, fields) => logger.error(message, fieldsOf(fields)),
    child: (fields) => portLogger(logger, fieldsOf(fields)),
  };
}

/** The DynamoDB operations that write (and are billed as writes). */
const WRITE_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);

/**
 * Counts the write requests `client` sends, from now on: a middleware at the
 * `initialize` step sees each `send` once, whatever the SDK's own retries do after it.
 * @returns the running total
 */
export function countWriteCalls(client: DynamoDBClient): () => number {
  let writes = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (WRITE_COMMANDS.has(context.commandName ?? '')) writes += 1;
      return next(args);
    },
    { step: 'initialize', name: 'trailInsightsCountWriteCalls' },
  );
  return () => writes;
}

/** Insights opened, ended and records published, from the records a run published. */
export function recordPublished(recorder: MetricsRecorder, published: readonly InsightRecord[]): void {
  recorder.add('InsightsOpened', published.filter((record) => record.insightDetails.state === 'Start').length);
  recorder.add('InsightsEnded', published.filter((record) => record.insightDetails.state === 'End').length);
  recorder.add('InsightRecordsPublished', published.length);
}
