import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Refuses any connection to a host other than loopback, so no test can reach the real Cloudflare API.
    setupFiles: ['test/setup/loopback-only.ts'],
    // Integration tests share one CPU-bound emulator per file; two workers fit the 2-core machines.
    maxWorkers: 2,
  },
  // The emulator workspace runs from its TypeScript sources under test, as the rest of the code does (no build needed).
  ssr: { resolve: { conditions: ['luxeret-source'] } },
});
