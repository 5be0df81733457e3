// Prisma CLI configuration: the JavaScript schema engine over the pg driver
// adapter, so migrations run without downloading a native engine (see STACK notes).
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // A config object rather than a URL: the adapter derives the shadow database
  // that `migrate diff --from-migrations` needs by overriding `database`.
  adapter: async () => new PrismaPg(pgConfig(process.env.DATABASE_URL)),
});

function pgConfig(databaseUrl: string | undefined) {
  if (!databaseUrl) throw new Error('DATABASE_URL is not set');
  const url = new URL(databaseUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.slice(1),
  };
}
