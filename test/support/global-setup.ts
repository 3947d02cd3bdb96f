/**
 * vitest global setup of the `integration` project: one local AWS stack for the whole
 * run, started before the first worker and stopped after the last test file.
 *
 * This runs in vitest's main process and tests run in workers, so the endpoints reach
 * them through `provide` / `inject('localAws')` (aws-env.ts applies them to
 * `process.env`). Environment variables set here would also reach the workers today,
 * because they are forked after setup, but vitest documents only `provide`.
 */
import type { TestProject } from 'vitest/node';
import { startLocalAws } from './local-aws.js';
import type { LocalAwsEndpoints } from './local-aws.js';

declare module 'vitest' {
  export interface ProvidedContext {
    localAws: LocalAwsEndpoints;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const aws = await startLocalAws({
    log: (line) => {
      if (process.env['LOCAL_AWS_DEBUG']) console.error(`[local-aws] ${line}`);
    },
  });
  if (process.env['LOCAL_AWS_DEBUG']) console.error(`[local-aws] start-up ms: ${JSON.stringify(aws.startupMs)}`);
  project.provide('localAws', aws.endpoints);
  return () => aws.stop();
}
