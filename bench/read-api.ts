// The API process for the read benchmark (bench/reads.ts): the real app
// (buildApp) on loopback, against the seeded database. Temporal is a lazy
// connection that is never dialled: the routes measured only read PostgreSQL.
import { Client, Connection } from '@temporalio/client';
import { buildApp } from '../api/app';
import { composeApp } from '../api/compose';
import { createDatabase } from '../db/client';
import { listenForChanges } from '../db/change-feed';
import { warmExportWorker } from '../api/services/scoreboard-export';

const { DATABASE_URL, PORT } = process.env;
if (!DATABASE_URL || !PORT) throw new Error('bench/read-api.ts needs DATABASE_URL and PORT');
const db = createDatabase(DATABASE_URL);
const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
const changes = listenForChanges(DATABASE_URL);
const app = await buildApp(
  await composeApp({
    db,
    temporal,
    changes,
    namespace: 'default',
    taskQueue: 'bench-reads',
    secureCookies: false,
    loginRateLimit: { max: 1000, timeWindow: 60_000 },
    // The steady mixed load uploads as one staff member far above the per-person allowance (30 a minute).
    uploadRateLimit: { max: 100_000, timeWindow: 60_000 },
  }),
);
await app.listen({ host: '127.0.0.1', port: Number(PORT) });
warmExportWorker();
console.log('LISTENING');
process.once(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => changes.close())
      .then(() => db.$disconnect())
      .then(() => process.exit(0)),
);
