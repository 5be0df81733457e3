// The change feed on the real PostgreSQL: a committed tally or community write,
// or a renamed user or ledger subject, from any connection moves the version; an uncommitted one does not; a lost
// connection turns caching off and comes back with a new version.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import pg from 'pg';
import { CHANGE_CHANNEL, listenForChanges, type ChangeFeed } from '../../db/change-feed';
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
    // Test files running alongside write tallies too: a round in which the version moved while the
    // transaction was open proves nothing either way, so rounds repeat until one saw it stand still
    // (an uncommitted write that moved it would fail every round).
    const round = await eventually(
      async () => {
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
        return { before, seenInside };
      },
      { done: (r) => r.seenInside === r.before, timeoutMs: 30_000, intervalMs: 10, what: 'the version unmoved by an uncommitted write' },
    );
    await until(() => feed.version() > round.before, 'a version after the commit');
  });

  it('moves on when a community is added', async () => {
    const before = feed.version();
    await stack.db.community.create({ data: { townshipId: t.townshipId, code: `feed-${Date.now()}`, name: '新社区' } });
    await until(() => feed.version() > before, 'a version after the insert');
  });

  it('notifies when a user or a ledger subject is renamed (the export prints their names), and not when a user logs in', async () => {
    // Payloads seen on the channel itself: other test files move the version too.
    const listener = new pg.Client({ connectionString: inject('databaseUrl') });
    await listener.connect();
    const seen: string[] = [];
    listener.on('notification', (n) => seen.push(n.payload ?? ''));
    await listener.query(`LISTEN ${CHANGE_CHANNEL}`);
    try {
      const user = await stack.db.user.findUniqueOrThrow({ where: { id: t.users.staff } });
      // What a refused login writes (counts and lock-out), between two markers of this test's own.
      const marker = () => listener.query(`NOTIFY ${CHANGE_CHANNEL}, 'marker-${t.townshipId}'`);
      await marker();
      await stack.db.user.update({ where: { id: user.id }, data: { lockedUntil: new Date(Date.now() + 60_000) } });
      await marker();
      await until(() => seen.filter((p) => p === `marker-${t.townshipId}`).length === 2, 'both markers');
      const between = seen.slice(seen.indexOf(`marker-${t.townshipId}`) + 1, seen.lastIndexOf(`marker-${t.townshipId}`));
      expect(between).not.toContain('User');

      await stack.db.user.update({ where: { id: user.id }, data: { displayName: `改名-${Date.now()}` } });
      await until(() => seen.includes('User'), 'a notification for the renamed user');
      const subject = await stack.db.ledgerSubject.create({
        data: {
          communityId: t.community.id,
          category: 'drug-user',
          kind: 'PERSON',
          displayName: '张某',
          startDate: new Date('2022-01-01'),
        },
      });
      await stack.db.ledgerSubject.update({ where: { id: subject.id }, data: { displayName: '张某某' } });
      await until(() => seen.includes('LedgerSubject'), 'a notification for the renamed subject');
    } finally {
      await listener.end();
    }
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
