// `npm run test:faults`: the fault suite (RELIABILITY.md). Real PostgreSQL,
// real Temporal, real worker processes; each case stops or kills one of them
// mid-run and checks that nothing is lost or doubled. Not part of `npm test`:
// it takes minutes, most of them waiting out deadlines and outages.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'faults',
    // The worker-crash case lives with the integration tests (it runs in `npm test` too); the rest only here.
    include: ['test/faults/**/*.test.ts', 'test/worker-crash.test.ts'],
    environment: 'node',
    env: { TZ: 'UTC' },
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/support/quiet-runtime.ts'],
    testTimeout: 300_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
