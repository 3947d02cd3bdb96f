/** An adapter was configured with a value it can never work with. */
export class PublisherConfigError extends Error {
  constructor(
    message: string,
    readonly option: string,
    readonly value: unknown,
  ) {
    super(message);
    this.name = 'PublisherConfigError';
  }
}

/** A record whose fields cannot form a CloudTrail-Insight object key. */
export class InsightKeyError extends Error {
  constructor(
    message: string,
    readonly eventID: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'InsightKeyError';
  }
}

/** One record is larger than a whole PutEvents request may be, so it can never be sent. */
export class PutEventsEntryTooLargeError extends Error {
  constructor(
    readonly eventID: string,
    readonly entryBytes: number,
    readonly maxBytes: number,
  ) {
    super(`Insight ${eventID} is ${entryBytes} bytes as a PutEvents entry; at most ${maxBytes} fit in one request`);
    this.name = 'PutEventsEntryTooLargeError';
  }
}

export interface PutEventsFailure {
  eventID: string;
  /** The entry's `ErrorCode`, or the name of the error that failed its whole call. */
  errorCode: string;
  errorMessage?: string;
}

/** Some records were still not accepted by EventBridge when the retries ran out. */
export class PutEventsDeliveryError extends Error {
  constructor(
    readonly failures: readonly PutEventsFailure[],
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    const codes = [...new Set(failures.map((f) => f.errorCode))].join(', ');
    super(`EventBridge did not accept ${failures.length} insight(s) after ${attempts} attempt(s): ${codes}`, options);
    this.name = 'PutEventsDeliveryError';
  }

  get failedEventIDs(): string[] {
    return this.failures.map((f) => f.eventID);
  }
}

export interface InsightWriteFailure {
  eventID: string;
  /** Bucket name (S3) or root directory (local files). */
  container: string;
  key: string;
  /** SDK error name or Node error code. */
  errorName: string;
  httpStatusCode?: number;
  errorMessage: string;
}

/** Some Insights files could not be written; the others were. */
export class InsightWriteError extends Error {
  constructor(
    readonly failures: readonly InsightWriteFailure[],
    options?: { cause?: unknown },
  ) {
    const first = failures[0];
    const example = first ? ` (first: ${first.container}/${first.key}: ${first.errorName})` : '';
    super(`${failures.length} Insights file(s) could not be written${example}`, options);
    this.name = 'InsightWriteError';
  }

  get failedEventIDs(): string[] {
    return this.failures.map((f) => f.eventID);
  }
}

/**
 * Some records were delivered everywhere and some were not. The engine records the
 * delivered ones as published, so the retry of the triggering message sends only the
 * rest — each record reaches EventBridge once, not once per retry.
 */
export class PublishIncompleteError extends Error {
  constructor(
    readonly deliveredEventIDs: readonly string[],
    readonly failedEventIDs: readonly string[],
    options: { cause: unknown },
  ) {
    super(`${failedEventIDs.length} insight(s) not delivered (${deliveredEventIDs.length} delivered): ${(options.cause as Error).message}`, options);
    this.name = 'PublishIncompleteError';
  }
}
