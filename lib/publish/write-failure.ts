import type { InsightWriteFailure } from './errors.js';

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** Describes why one file write failed, from an SDK error (`name`, `$metadata`) or a Node one (`code`). */
export function writeFailure(eventID: string, container: string, key: string, error: unknown): InsightWriteFailure {
  const shape: ErrorShape = typeof error === 'object' && error !== null ? (error as ErrorShape) : {};
  const name = typeof shape.name === 'string' && shape.name !== 'Error' ? shape.name : undefined;
  const code = typeof shape.code === 'string' ? shape.code : undefined;
  const status = shape.$metadata?.httpStatusCode;
  const failure: InsightWriteFailure = {
    eventID,
    container,
    key,
    errorName: name ?? code ?? 'UnknownError',
    errorMessage: typeof shape.message === 'string' ? shape.message : String(error),
  };
  if (typeof status === 'number') failure.httpStatusCode = status;
  return failure;
}
