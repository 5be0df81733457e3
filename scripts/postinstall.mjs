// Runs after `npm install`: generates the Prisma client (offline, with the
// JavaScript engine). The Temporal binaries are fetched on first start/test.
import { spawnSync } from 'node:child_process';

const result = spawnSync('npx', ['prisma', 'generate'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_QUERY_ENGINE_LIBRARY: '/dev/null',
    PRISMA_SCHEMA_ENGINE_BINARY: '/dev/null',
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  },
});
process.exit(result.status ?? 1);
