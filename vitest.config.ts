import { defineConfig } from 'vitest/config';

// Three projects: `unit` needs nothing but Node (pure domain logic, adapters
// against loopback servers they start themselves); `integration` gets a real
// PostgreSQL and a real Temporal dev server from test/global-setup.ts and runs
// two files at a time; `e2e` (headless Chromium) runs its files one by one, last.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'domain/**/*.test.ts',
            'notify/**/*.test.ts',
            'config/**/*.test.ts',
            'workflows/**/*.test.ts',
            'api/**/*.test.ts',
            'web/src/**/*.test.ts',
          ],
          environment: 'node',
          env: { TZ: 'UTC' },
          // Projects run one group after another (vitest needs one group per maxWorkers): unit, integration, e2e.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          // The fault suite stops servers on purpose and takes minutes: `npm run test:faults` (vitest.faults.config.ts).
          exclude: ['test/e2e/**', 'test/faults/**', 'node_modules/**'],
          environment: 'node',
          env: { TZ: 'UTC' },
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/support/quiet-runtime.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Each file builds its own township and task queue on the shared PostgreSQL and
          // Temporal (free ports, its own temp dirs): two files at a time on a 2-core machine.
          fileParallelism: true,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        // The browser files build web/dist and drive Chromium: one at a time, after the rest.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          env: { TZ: 'UTC' },
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/support/quiet-runtime.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
