// The change feed on the real PostgreSQL: a committed tally or community write
// from any connection moves the version; an uncommitted one does not; a lost
// connection turns caching off and comes back with a new version.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import pg from 'pg';
import { listenForChanges, type ChangeFeed } from '../../db/change-feed';
import { addToTally } from '../../db/score-tally';
import { connectTestStack, type TestStack } from '../support/stack';
import { createTestTownship, type TestTownship } from '../support/fixtures';
import { eventually } from '../support/eventually';

const until = (condition: () => boolean, what: string) => eventually(condition, { timeoutMs: 10_000, intervalMs: 10, what });

describe('change feed', () => {
  let stack: TestStack;
  let t: TestTownship;
  let feed: ChangeFeed;
  beforeAll(async () => {
    stack = await connectTestStack();
    t = await createTestTownship(stack.db, 'feed');
    feed = listenForChanges(inject('databaseUrl'), () => {}, 100);
    await until(() => feed.live, 'listening');
  });
  afterAll(async () => {
    await feed?.close();
    await stack?.close();
  });

  it('moves on when a tally write commits, and not before', async () => {
    const before = feed.version();
    let seenInside = -1;
    await stack.db.$transaction(async (tx) => {
      await addToTally(tx, {
        communityId: t.community.id,
        ruleId: 'flood.duty',
        occurredAt: new Date('2022-06-10T00:00:00Z'),
        points: 2,
        sign: 1,
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      seenInside = feed.version();
    });
    expect(seenInside).toBe(before);
    await until(() => feed.version() > before, 'a version after the commit');
  });

  it('moves on when a community is added', async () => {
    const before = feed.version();
    await stack.db.community.create({ data: { townshipId: t.townshipId, code: `feed-${Date.now()}`, name: '新社区' } });
    await until(() => feed.version() > before, 'a version after the insert');
  });

  it('stops caching when its connection is killed, and listens again with a new version', async () => {
    const before = feed.version();
    const admin = new pg.Client({ connectionString: inject('databaseUrl') });
    await admin.connect();
    try {
      const killed = await admin.query(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE query = 'LISTEN duban_changes'`);
      expect(killed.rowCount).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    await until(() => !feed.live || feed.version() > before, 'the loss noticed');
    expect(feed.version()).toBeGreaterThan(before);
    await until(() => feed.live, 'listening again');
  });
});
