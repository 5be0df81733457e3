import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing but Node (pure domain logic, adapters
// against loopback servers they start themselves); `integration` gets a real
// PostgreSQL and a real Temporal dev server from test/global-setup.ts.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['domain/**/*.test.ts', 'notify/**/*.test.ts', 'config/**/*.test.ts', 'workflows/**/*.test.ts', 'api/**/*.test.ts'],
          environment: 'node',
          env: { TZ: 'UTC' },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          // The fault suite stops servers on purpose and takes minutes: `npm run test:faults` (vitest.faults.config.ts).
          exclude: ['test/faults/**', 'node_modules/**'],
          environment: 'node',
          env: { TZ: 'UTC' },
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/support/quiet-runtime.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
