import { evaluateAll, type EvaluateOutcome } from '../engine/evaluate.js';
import type { Minute } from '../time/minute.js';
import { recordingWriteCalls, type AwsRuntime } from './aws.js';
import { recordPublished } from './telemetry.js';

/**
 * One scheduled evaluation at `now`, with its figures recorded: duration, account-regions,
 * insights opened (drops) and ended, records published and DynamoDB write requests.
 */
export async function runEvaluation(runtime: AwsRuntime, now: Minute): Promise<EvaluateOutcome> {
  const { recorder } = runtime.telemetry;
  const started = performance.now();
  const outcome = await recordingWriteCalls(runtime, () => evaluateAll(runtime.deps, now));
  recorder.add('EvaluateDuration', performance.now() - started);
  recorder.add('AccountRegionsEvaluated', outcome.accountRegions);
  recordPublished(recorder, outcome.published);
  runtime.deps.log.info('evaluation done', {
    accountRegions: outcome.accountRegions,
    rolledHours: outcome.rolledHours,
    published: outcome.published.length,
    conflicts: outcome.conflicts,
  });
  return outcome;
}
