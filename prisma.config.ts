// Prisma CLI configuration: the JavaScript schema engine over the pg driver
// adapter, so migrations run without downloading a native engine (see STACK notes).
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  adapter: async () => // A short idle timeout lets the CLI exit as soon as it is done instead of
  // waiting out pg's default 10 s pool idle period.
  new PrismaPg({ connectionString: process.env.DATABASE_URL, idleTimeoutMillis: 200, allowExitOnIdle: true }),
});
