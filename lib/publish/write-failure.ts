import { asShape, errorName } from './call-error.js';
import type { InsightWriteFailure } from './errors.js';

/** Describes why one file write failed, from an SDK error (`name`, `$metadata`) or a Node one (`code`). */
export function writeFailure(eventID: string, container: string, key: string, error: unknown): InsightWriteFailure {
  const { message, $metadata } = asShape(error);
  const status = $metadata?.httpStatusCode;
  const failure: InsightWriteFailure = {
    eventID,
    container,
    key,
    errorName: errorName(error),
    errorMessage: typeof message === 'string' ? message : String(error),
  };
  if (typeof status === 'number') failure.httpStatusCode = status;
  return failure;
}
