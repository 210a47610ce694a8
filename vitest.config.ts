import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Refuses any connection to a host other than loopback, so no test can reach the real Cloudflare API.
    setupFiles: ['test/setup/loopback-only.ts'],
    // Children (a spawned CLI, a lock taker) run the sources under test, transpiled once per run: no dist/ needed.
    globalSetup: ['test/setup/source-build.ts'],
    // Integration tests share one CPU-bound emulator per file; two workers fit the 2-core machines.
    maxWorkers: 2,
    // The tests' own S3 clients (seeding s3rver and moto) would print the AWS SDK's Node 20 support warning; the CLI
    // sets the same variable for its own runs (src/cli/io.ts).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    deps: {
      // Each test file imports these afresh, and the SDK alone is some 1,500 modules: bundled once (cached under
      // node_modules/.vite), each file loads one module instead. Most of the suite's import time was this. The code
      // imports the SDK's errors from cloudflare/error (cheap, without the client): bundled together, the two share
      // one copy of the error classes, as they do outside the tests.
      optimizer: { ssr: { enabled: true, include: ['cloudflare', 'cloudflare/error', 'graphql', 'pkijs', 'asn1js', 'yaml'] } },
    },
  },
  // The emulator workspace runs from its TypeScript sources under test, as the rest of the code does (no build needed).
  ssr: { resolve: { conditions: ['luxeret-source'] } },
});
