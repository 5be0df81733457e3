// The export's finished files (api/services/scoreboard-workbooks.ts) on the
// real PostgreSQL and change feed: served again while nothing changed,
// written again once a deduction commits, one writing for downloads that
// arrive together, rewritten in the background after a quiet spell, never kept
// while the feed is down, and read from one snapshot: a deduction committed
// while a file is written is in neither of its sheets. How many snapshots were
// read tells a file served again from one written afresh. The test
// database is shared with test files running alongside, whose writes move the
// feed too: a step that needs the data unchanged is repeated until the feed
// stood still while it ran (quietly).
import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { SessionUser } from '../../db/auth-repository';
import { listenForChanges, type ChangeFeed } from '../../db/change-feed';
import { deductionStore } from '../../db/deduction-store';
import { inScoreboardSnapshot, scoreboardRepository } from '../../db/scoreboard-repository';
import { DETAIL_SHEET, TOTAL_ROW_LABEL } from '../../api/services/scoreboard-excel';
import { scoreboardService, type ScoreboardService } from '../../api/services/scoreboard-service';
import { scoreboardWorkbooks, type ScoreboardSnapshot, type ScoreboardWorkbooks } from '../../api/services/scoreboard-workbooks';
import type { RulebookStore } from '../../platform/rulebook-store';
import { testRulebooks } from '../support/activity-deps';
import { eventually } from '../support/eventually';
import { createTestTownship, type TestTownship } from '../support/fixtures';
import { connectTestStack, type TestStack } from '../support/stack';

const Q = { year: 2022, month: 12 };

describe('scoreboard workbooks: kept until the data changes', () => {
  let stack: TestStack;
  let t: TestTownship;
  let feed: ChangeFeed;
  let scoreboard: ScoreboardService;
  let rulebooks: RulebookStore;
  let zhengfa: SessionUser;
  let staff: SessionUser;
  const opened: ScoreboardWorkbooks[] = [];

  beforeAll(async () => {
    stack = await connectTestStack();
    t = await createTestTownship(stack.db, 'workbooks');
    feed = listenForChanges(inject('databaseUrl'));
    await eventually(() => feed.live, { timeoutMs: 10_000, intervalMs: 20, what: 'the change feed listening' });
    rulebooks = await testRulebooks();
    scoreboard = scoreboardService({ repo: scoreboardRepository(stack.db), rulebooks, changes: feed });
    const user = (id: string, role: SessionUser['role'], scope: string[]): SessionUser => ({
      id,
      username: id,
      displayName: id,
      role,
      townshipId: t.townshipId,
      scope,
      memberOf: [],
    });
    zhengfa = user(t.users.zhengfa, 'POLITICAL_LEGAL', [t.community.id, t.otherCommunity.id]);
    staff = user(t.users.staff, 'STAFF', [t.community.id]);
  });
  afterEach(() => {
    for (const w of opened.splice(0)) w.close();
  });
  afterAll(async () => {
    await feed?.close();
    await stack?.close();
  });

  /** The service under test, on real snapshots it counts, with a clock the test moves. */
  function workbooks(changes: ChangeFeed = feed, during?: () => Promise<void>) {
    let now = 1_000_000;
    let snapshots = 0;
    const snapshot: ScoreboardSnapshot = (read) => {
      snapshots += 1;
      return inScoreboardSnapshot(stack.db, (repo) => {
        const s = scoreboardService({ repo, rulebooks });
        // `during` runs between reading the board and reading its deductions.
        return read(during ? { ...s, full: async (...args) => s.full(...args).then(async (board) => (await during(), board)) } : s);
      });
    };
    const w = scoreboardWorkbooks({ scoreboard, snapshot, changes, clock: () => now });
    opened.push(w);
    return { w, written: () => snapshots, advance: (ms: number) => (now += ms) };
  }

  /** Records a deduction as a deadline check would (row and tally in one transaction) and waits for its notification. */
  async function recordDeduction(): Promise<void> {
    const before = feed.version();
    await deductionStore(stack.db).recordOnce({
      businessKey: `workbooks-${randomUUID()}`,
      communityId: t.community.id,
      ruleId: 'drug-users.visit',
      section: '1',
      item: '涉毒人员',
      points: 1,
      explanation: '测试：未按月开展反诈宣传',
      recordedBy: 'system',
      occurredAt: new Date('2022-03-10T02:00:00Z'),
    });
    await eventually(() => feed.version() > before, { timeoutMs: 10_000, intervalMs: 10, what: 'the deduction notified' });
  }

  /**
   * Runs `step` until the feed's version stood still from its start to its end (other test files
   * write too); `first`, before each attempt, is this test's own change, which may move it.
   */
  async function quietly<T>(step: () => Promise<T>, first?: () => Promise<void>): Promise<T> {
    const attempt = await eventually(
      async () => {
        await first?.();
        const version = feed.version();
        const result = await step();
        return { result, quiet: feed.version() === version };
      },
      { done: (a) => a.quiet, timeoutMs: 30_000, intervalMs: 10, what: 'a step during which no other test wrote a tally' },
    );
    return attempt.result;
  }

  async function open(bytes: Buffer): Promise<ExcelJS.Workbook> {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    return book;
  }

  async function detailRows(bytes: Buffer): Promise<number> {
    return (await open(bytes)).getWorksheet(DETAIL_SHEET)!.rowCount - 1;
  }

  /** Both sheets' word on one community: its 扣分合计 on the first, the sum of its counted points on the second. */
  async function bothSheets(bytes: Buffer, communityName: string): Promise<{ total: number; listed: number }> {
    const book = await open(bytes);
    const [board, detail] = [book.worksheets[0]!, book.getWorksheet(DETAIL_SHEET)!];
    const column = (board.getRow(2).values as unknown[]).indexOf(communityName);
    let total = NaN;
    board.eachRow((row) => {
      if (row.getCell(1).value === TOTAL_ROW_LABEL) total = Number(row.getCell(column).value);
    });
    let listed = 0;
    detail.eachRow((row, n) => {
      const counted = row.getCell(7).value;
      if (n > 1 && row.getCell(1).value === communityName && typeof counted === 'number') listed += counted;
    });
    return { total, listed };
  }

  it('serves the same file again while nothing changed, and writes it again once a deduction commits', async () => {
    const { w, written } = workbooks();
    const { first, again, writings } = await quietly(async () => {
      const first = await w.workbook(zhengfa, Q);
      const before = written();
      const again = await w.workbook(zhengfa, Q);
      return { first, again, writings: written() - before };
    });
    expect(writings).toBe(0);
    expect(again.bytes).toBe(first.bytes);
    expect({ year: again.year, month: again.month }).toEqual(Q);

    const before = written();
    await recordDeduction();
    const after = await w.workbook(zhengfa, Q);
    expect(written()).toBe(before + 1);
    expect(await detailRows(after.bytes)).toBe((await detailRows(first.bytes)) + 1);
  });

  it('writes one file for downloads that arrive together, and one per scope', async () => {
    const { w, written } = workbooks();
    const [a, b, c] = await Promise.all([w.workbook(zhengfa, Q), w.workbook(zhengfa, Q), w.workbook(zhengfa, Q)]);
    expect(written()).toBe(1);
    expect(b.bytes).toBe(a.bytes);
    expect(c.bytes).toBe(a.bytes);
    const own = await w.workbook(staff, Q);
    expect(written()).toBe(2);
    expect(own.bytes.equals(a.bytes)).toBe(false);
  });

  it('rewrites a wanted file in the background once the data has been quiet, so the next download finds it ready', async () => {
    const { w, written, advance } = workbooks();
    const stale = await w.workbook(zhengfa, Q);
    let recorded = 0;
    // Each attempt with a new deduction of its own.
    const round = await quietly(
      async () => {
        await w.rewriteWanted(); // notes the change
        advance(5_000);
        const early = written();
        await w.rewriteWanted(); // not quiet long enough yet
        const tooEarly = written() - early;
        advance(15_000);
        const before = written();
        await w.rewriteWanted();
        const rewritten = written() - before;
        const ready = await w.workbook(zhengfa, Q);
        return { tooEarly, rewritten, downloadWritings: written() - before - rewritten, ready };
      },
      async () => {
        await recordDeduction();
        recorded += 1;
      },
    );
    expect(round.tooEarly).toBe(0);
    expect(round.rewritten).toBe(1);
    expect(round.downloadWritings).toBe(0); // the download found the rewritten file
    expect(await detailRows(round.ready.bytes)).toBe((await detailRows(stale.bytes)) + recorded);
  });

  it('lets a file nobody asked for in eight hours go stale, while one asked for since is rewritten', async () => {
    const { w, written, advance } = workbooks();
    await w.workbook(zhengfa, Q);
    advance(9 * 3600_000);
    await w.workbook(staff, Q); // the control: wanted just now
    const round = await quietly(async () => {
      await w.rewriteWanted(); // notes the change
      advance(20_000);
      const before = written();
      await w.rewriteWanted();
      return { rewritten: written() - before };
    }, recordDeduction);
    expect(round.rewritten).toBe(1); // the staff member's file only
  });

  it('keeps nothing while the change feed is down', async () => {
    const down = listenForChanges('postgresql://nobody@127.0.0.1:1/none');
    try {
      const { w, written } = workbooks(down);
      await w.workbook(zhengfa, Q);
      await w.workbook(zhengfa, Q);
      expect(down.live).toBe(false);
      expect(written()).toBe(2);
      await Promise.all([w.workbook(zhengfa, Q), w.workbook(zhengfa, Q)]);
      expect(written()).toBe(3); // downloads arriving together still share one writing
    } finally {
      await down.close();
    }
  });

  it('reads a file from one snapshot: a deduction committed while it is written is in neither sheet', async () => {
    await recordDeduction(); // at least one deduction of the community, so the sheets have something to agree on
    let raced = false;
    const { w } = workbooks(feed, async () => {
      await recordDeduction();
      raced = true;
    });
    const file = await w.workbook(zhengfa, Q);
    expect(raced).toBe(true);
    const sheets = await bothSheets(file.bytes, t.community.name);
    expect(sheets.total).toBeGreaterThan(0);
    expect(sheets.listed).toBe(sheets.total);
    // ...and the next file has it, in both sheets.
    const next = await bothSheets((await w.workbook(zhengfa, Q)).bytes, t.community.name);
    expect(next).toEqual({ total: sheets.total + 1, listed: sheets.total + 1 });
  });

  it('refuses a year without a rulebook before writing anything', async () => {
    const { w, written } = workbooks();
    await expect(w.workbook(zhengfa, { year: 2019, month: 1 })).rejects.toThrow(/2019年没有考核细则/);
    expect(written()).toBe(0);
  });
});
