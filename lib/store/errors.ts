/**
 * Errors the store adapters throw. The engine maps `ContributionTooLargeError` to a
 * quarantine (the file can never be applied as one transaction); the others are
 * transient and surface so the queue redelivers the message.
 */

/** A log object's counts cannot be written all or nothing within DynamoDB's limits. */
export class ContributionTooLargeError extends Error {
  constructor(
    readonly objectId: string,
    /** What exceeded which limit, for the quarantine reason. */
    readonly detail: string,
  ) {
    super(`contribution of ${objectId} is too large: ${detail}`);
    this.name = 'ContributionTooLargeError';
  }
}

/** `applyFile` kept losing transaction conflicts and the object's ledger is still absent. */
export class ApplyConflictError extends Error {
  constructor(
    readonly objectId: string,
    readonly attempts: number,
  ) {
    super(`applying ${objectId} was cancelled by conflicting transactions ${attempts} times`);
    this.name = 'ApplyConflictError';
  }
}

/** A batch write still had unprocessed items after every retry (sustained throttling). */
export class UnprocessedWritesError extends Error {
  constructor(
    readonly operation: string,
    readonly unprocessed: number,
    readonly attempts: number,
  ) {
    super(`${operation}: ${unprocessed} writes still unprocessed after ${attempts} attempts`);
    this.name = 'UnprocessedWritesError';
  }
}

/** A value cannot become part of a key (negative or fractional minute, empty id...). */
export class StoreKeyError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
  ) {
    super(`invalid ${field} for a store key: ${String(value)}`);
    this.name = 'StoreKeyError';
  }
}

/** `openInsight` kept finding the series' insight changing under it. */
export class InsightOpenConflictError extends Error {
  constructor(
    readonly account: string,
    readonly region: string,
    readonly seriesId: string,
    readonly attempts: number,
  ) {
    super(`opening an insight of ${seriesId} in ${account}/${region} raced ${attempts} times`);
    this.name = 'InsightOpenConflictError';
  }
}

/** Counts that break the `Contribution` contract the store's keys and merging rely on. */
export class InvalidContributionError extends Error {
  constructor(
    readonly objectId: string,
    readonly detail: string,
  ) {
    super(`invalid contribution of ${objectId}: ${detail}`);
    this.name = 'InvalidContributionError';
  }
}

/** A stored item lacks an attribute its kind always has (written by something else?). */
export class MalformedItemError extends Error {
  constructor(
    readonly pk: string,
    readonly sk: string,
    readonly attribute: string,
  ) {
    super(`item ${pk} / ${sk} has no valid ${attribute}`);
    this.name = 'MalformedItemError';
  }
}
