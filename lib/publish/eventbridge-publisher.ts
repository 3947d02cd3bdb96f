/**
 * Delivers Insights records to an EventBridge bus the way AWS's own Insights arrive on the
 * default bus: `detail-type` "AWS Insight via CloudTrail" and the record as `detail`, so an
 * existing rule needs only its `source` changed (INSIGHTS-FORMAT.md, "Output 2").
 *
 * Retries run in two layers:
 * - The SDK client's own retry strategy (standard mode, `maxAttempts` 3 unless the client
 *   is configured otherwise) retries a *whole call* that failed with throttling, a 5xx or
 *   a network fault, before our code sees anything. It never sees per-entry failures: a
 *   PutEvents that partly failed is an HTTP 200.
 * - This publisher retries only the entries that did not get through: per-entry
 *   `ErrorCode`s, and the entries of a call whose error survived the SDK's retries when
 *   that error is transient. Each round re-batches what is left, then waits an
 *   exponentially growing, fully jittered delay.
 * So a whole-call throttle can cost up to `sdkMaxAttempts × maxAttempts` HTTP requests; a
 * per-entry failure costs at most `maxAttempts` sends of that entry. Codes EventBridge
 * documents as non-retryable are not retried; unknown codes are.
 *
 * EventBridge gives each accepted entry its own event `id`, so a record sent twice (an
 * engine retry after a later failure) arrives as two events: consumers dedupe on
 * `detail.eventID`, which is deterministic.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { backoffDelay, sleep as realSleep, type Random, type Sleep } from '../async/backoff.js';
import { PublisherConfigError, PutEventsDeliveryError, PutEventsEntryTooLargeError } from './errors.js';
import type { PutEventsFailure } from './errors.js';
import type { PublishedInsight, Publisher } from './publisher.js';
import { PUT_EVENTS_LIMITS, batchBySize, putEventsEntrySize } from './put-events-batch.js';
import { asShape, errorName } from './call-error.js';

/** AWS's own detail-type for Insights events. */
export const INSIGHT_DETAIL_TYPE = 'AWS Insight via CloudTrail';

export interface EventBridgePublisherOptions {
  client: EventBridgeClient;
  /** Bus name or ARN. */
  eventBusName: string;
  /** The events' `source`; must not begin with `aws.`. */
  source: string;
  /** Sends per entry, the first included. Default 5. */
  maxAttempts?: number;
  /** Backoff window of the first retry, doubled on each further one. Default 100 ms. */
  baseDelayMs?: number;
  /** Cap on the backoff window. Default 5 s: a Lambda must finish well inside its timeout. */
  maxDelayMs?: number;
  sleep?: Sleep;
  /** Uniform [0, 1) source for jitter; injectable for tests. */
  random?: Random;
}

/**
 * Per-entry codes EventBridge documents as non-retryable (API reference,
 * `PutEventsResultEntry.ErrorCode`): sending the same entry again fails the same way.
 */
const PERMANENT_ENTRY_CODES = new Set([
  'AccessDeniedException',
  'InvalidAccountIdException',
  'InvalidArgument',
  'MalformedDetail',
  'RedactionFailure',
  'NotAuthorizedForSourceException',
  'NotAuthorizedForDetailTypeException',
]);

/** Whole-call errors worth another round once the SDK's own retries gave up. */
const TRANSIENT_ERROR_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'InternalException',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
]);
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

/** Throttling, 5xx and network faults are transient; anything else would fail again. */
export function isTransientCallError(error: unknown): boolean {
  const { name, code, $metadata } = asShape(error);
  const status = $metadata?.httpStatusCode;
  if (typeof status === 'number' && (status === 429 || status >= 500)) return true;
  if (typeof name === 'string' && TRANSIENT_ERROR_NAMES.has(name)) return true;
  return typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code);
}

const isRetryableEntryCode = (code: string): boolean => !PERMANENT_ENTRY_CODES.has(code);

interface PendingEntry {
  eventID: string;
  entry: PutEventsRequestEntry;
  size: number;
}

interface RoundFailure extends PutEventsFailure {
  retryable: boolean;
  pending: PendingEntry;
}

export class EventBridgePublisher implements Publisher {
  private readonly client: EventBridgeClient;
  private readonly eventBusName: string;
  private readonly source: string;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: Sleep;
  private readonly random: Random;

  constructor(options: EventBridgePublisherOptions) {
    const { source, eventBusName, maxAttempts = 5, baseDelayMs = 100, maxDelayMs = 5_000 } = options;
    // EventBridge reserves `aws.` for AWS services: every entry would fail with
    // NotAuthorizedForSourceException, so refuse the configuration before the first insight.
    if (source.toLowerCase().startsWith('aws.')) {
      throw new PublisherConfigError(`EventBridge source ${JSON.stringify(source)} begins with "aws.", which only AWS services may use`, 'source', source);
    }
    if (source.length === 0 || source.length > 256) {
      throw new PublisherConfigError('EventBridge source must be 1 to 256 characters', 'source', source);
    }
    if (eventBusName.length === 0) {
      throw new PublisherConfigError('EventBridge bus name is empty', 'eventBusName', eventBusName);
    }
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new PublisherConfigError('maxAttempts must be a positive integer', 'maxAttempts', maxAttempts);
    }
    if (!(baseDelayMs >= 0) || !(maxDelayMs >= 0)) {
      throw new PublisherConfigError('backoff delays must be non-negative', 'baseDelayMs', baseDelayMs);
    }
    this.client = options.client;
    this.eventBusName = eventBusName;
    this.source = source;
    this.maxAttempts = maxAttempts;
    this.baseDelayMs = baseDelayMs;
    this.maxDelayMs = maxDelayMs;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
  }

  /** The PutEvents entry of one record. */
  entryFor(insight: PublishedInsight): PutEventsRequestEntry {
    return {
      Source: this.source,
      DetailType: INSIGHT_DETAIL_TYPE,
      Detail: JSON.stringify(insight.record),
      Time: new Date(insight.record.eventTime),
      EventBusName: this.eventBusName,
    };
  }

  async publish(insights: readonly PublishedInsight[]): Promise<void> {
    await this.deliver(insights.map((insight) => ({ eventID: insight.record.eventID, entry: this.entryFor(insight) })));
  }

  /**
   * Publishes events of another detail-type on the same bus, source and retry rules (the
   * integrity validator's alerts). `id` plays the part of an insight's eventID: the
   * deterministic key entries are deduplicated and failures reported by.
   *
   * @example
   * ```ts
   * await publisher.publishEvents([{ id: alert.alertId, detailType: 'CloudTrail Log Integrity Alert', detail: alert, time: new Date() }]);
   * ```
   */
  async publishEvents(events: readonly { id: string; detailType: string; detail: unknown; time: Date }[]): Promise<void> {
    await this.deliver(
      events.map((event) => ({
        eventID: event.id,
        entry: { Source: this.source, DetailType: event.detailType, Detail: JSON.stringify(event.detail), Time: event.time, EventBusName: this.eventBusName },
      })),
    );
  }

  private async deliver(entries: readonly { eventID: string; entry: PutEventsRequestEntry }[]): Promise<void> {
    let pending = this.prepare(entries);
    const permanent: RoundFailure[] = [];
    for (let attempt = 1; pending.length > 0; attempt++) {
      const failures: RoundFailure[] = [];
      let lastCallError: unknown;
      for (const batch of batchBySize(pending, (p) => p.size, PUT_EVENTS_LIMITS)) {
        const result = await this.send(batch);
        failures.push(...result.failures);
        if (result.callError !== undefined) lastCallError = result.callError;
      }
      permanent.push(...failures.filter((f) => !f.retryable));
      pending = failures.filter((f) => f.retryable).map((f) => f.pending);
      if (pending.length > 0 && attempt >= this.maxAttempts) {
        throw this.deliveryError([...permanent, ...failures.filter((f) => f.retryable)], attempt, lastCallError);
      }
      if (pending.length === 0 && permanent.length > 0) {
        throw this.deliveryError(permanent, attempt, lastCallError);
      }
      if (pending.length > 0) await this.sleep(backoffDelay(attempt, { baseMs: this.baseDelayMs, capMs: this.maxDelayMs }, this.random));
    }
  }

  /**
   * Entries in input order, one per eventID (a record listed twice is the same record),
   * each checked against the request limit before anything is sent: an oversized record
   * would fail on every retry, so fail before delivering the others twice.
   */
  private prepare(entries: readonly { eventID: string; entry: PutEventsRequestEntry }[]): PendingEntry[] {
    const seen = new Set<string>();
    const pending: PendingEntry[] = [];
    for (const { eventID, entry } of entries) {
      if (seen.has(eventID)) continue;
      seen.add(eventID);
      const size = putEventsEntrySize(entry);
      if (size > PUT_EVENTS_LIMITS.maxBytes) throw new PutEventsEntryTooLargeError(eventID, size, PUT_EVENTS_LIMITS.maxBytes);
      pending.push({ eventID, entry, size });
    }
    return pending;
  }

  private async send(batch: readonly PendingEntry[]): Promise<{ failures: RoundFailure[]; callError?: unknown }> {
    let response;
    try {
      response = await this.client.send(new PutEventsCommand({ Entries: batch.map((p) => p.entry) }));
    } catch (error) {
      const retryable = isTransientCallError(error);
      const errorCode = errorName(error);
      const message = asShape(error).message;
      const errorMessage = typeof message === 'string' ? message : undefined;
      return {
        callError: error,
        failures: batch.map((pending) => ({ eventID: pending.eventID, errorCode, errorMessage, retryable, pending })),
      };
    }
    if (!response.FailedEntryCount) return { failures: [] };
    // Result entries answer request entries position by position.
    const failures: RoundFailure[] = [];
    batch.forEach((pending, i) => {
      const result = response.Entries?.[i];
      if (result?.EventId !== undefined && result.ErrorCode === undefined) return;
      const errorCode = result?.ErrorCode ?? 'MissingResultEntry';
      failures.push({ eventID: pending.eventID, errorCode, errorMessage: result?.ErrorMessage, retryable: isRetryableEntryCode(errorCode), pending });
    });
    return { failures };
  }

  private deliveryError(failures: readonly RoundFailure[], attempts: number, cause: unknown): PutEventsDeliveryError {
    const plain = failures.map(({ eventID, errorCode, errorMessage }): PutEventsFailure =>
      errorMessage === undefined ? { eventID, errorCode } : { eventID, errorCode, errorMessage },
    );
    return new PutEventsDeliveryError(plain, attempts, cause === undefined ? undefined : { cause });
  }
}
