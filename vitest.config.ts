import { defineConfig } from 'vitest/config';

// Unit tests are pure, need no servers and run in seconds (`npx vitest run test/unit`).
// Slow tests — osls packaging, cfn-guard, bundle builds, the 300 MB memory bound, the
// docs' commands run as written — have a project of their own (`test/slow/`).
// Integration tests share one local AWS stack (DynamoDB Local, s3rver, a PutEvents
// endpoint) started once per run by the global setup. `npm test` runs all three.
export default defineConfig({
  test: {
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    coverage: {
      provider: 'v8',
      include: ['lib/**/*.ts', 'functions/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
      // About two points under what `npm test -- --coverage` (as .ci/run runs it) measured
      // on 2026-12-06: statements 94.9 %, branches 89.0 %, functions 95.4 %, lines 97.0 %.
      // It catches code added without tests, not noise.
      thresholds: { statements: 93, branches: 87, functions: 93, lines: 95 },
    },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'slow', include: ['test/slow/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 300_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          // Points the SDK's environment at the stack before each file's own imports, so
          // clients built at module scope reach it too.
          setupFiles: ['test/support/aws-env.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
