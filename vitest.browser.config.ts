import { defineConfig } from 'vitest/config';

// Browser tests: the report page in headless Debian Chromium (/usr/bin/chromium, which
// .ci/run installs when missing). Kept out of `npm test` so the README's test command
// needs nothing beyond `npm ci`; run with `npm run test:browser`.
export default defineConfig({
  test: {
    name: 'browser',
    include: ['test/browser/**/*.test.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // One browser at a time: the machine has two cores shared with other runs.
    fileParallelism: false,
  },
});
