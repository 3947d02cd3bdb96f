import { defineConfig } from 'vitest/config';

// Unit tests are pure and need no servers; integration tests share one local AWS stack
// (DynamoDB Local, s3rver, a PutEvents endpoint) started once per run by the global setup.
export default defineConfig({
  test: {
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
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
