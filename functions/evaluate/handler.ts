import middy from '@middy/core';
import { evaluateAll } from '../../lib/engine/evaluate.js';
import { awsRuntime } from '../../lib/runtime/aws.js';
import { runtimeConfigFrom } from '../../lib/runtime/environment.js';
import { scheduleMinute } from '../../lib/trigger/schedule.js';

const runtime = awsRuntime(runtimeConfigFrom(process.env));

async function evaluate(event: unknown) {
  const outcome = await evaluateAll(runtime.deps, scheduleMinute(event, new Date()));
  runtime.deps.log.info('evaluation done', {
    accountRegions: outcome.accountRegions,
    rolledHours: outcome.rolledHours,
    published: outcome.published.length,
    conflicts: outcome.conflicts,
  });
  return { published: outcome.published.length };
}

/** The schedule (every 5 minutes): close minutes, roll baselines, end insights, find gaps. */
export const handler = middy(evaluate);
