// The scoreboard's .xlsx files, kept until the data under them changes.
//
// A prefecture's whole-year workbook (3,000 columns, ~45,000 deduction rows)
// takes both cores of a small server 1.5-2.5 s to read and write
// (BENCHMARKS.md), and its data changes a few times a day: at the deadline
// checks, and when a deduction is reversed, an appeal upheld or an incident
// recorded. So a finished file is kept (in this process) under the change
// feed's version (db/change-feed.ts), like the scoreboard itself, and served
// again until the version moves on. After a change, a file someone downloaded
// in the last WANTED_FOR_MS is written again in the background once the data
// has been quiet for QUIET_MS, so the next download finds it ready. Nothing is
// kept while the feed is down: every download then reads and writes afresh.
//
// The same file for the same people: a key is the township, the month the
// board settles on (its year, month and rulebook version) and the caller's
// scope. Downloads that arrive while their file is being written wait for that
// one writing.
import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import type { SessionUser } from '../../db/auth-repository';
import type { ChangeFeed } from '../../db/change-feed';
import { streamScoreboardWorkbook } from './scoreboard-export';
import type { ScoreboardService } from './scoreboard-service';

export interface ScoreboardWorkbook {
  year: number;
  month: number;
  bytes: Buffer;
}

interface Entry {
  version: number;
  file: Promise<ScoreboardWorkbook>;
  /** who asked last, and when: a background rewrite reads as that person */
  user: SessionUser;
  q: { year: number; month: number };
  wantedAt: number;
}

/** Files kept at most (a township's whole year is ~2 MB; a staff member's a few kB). */
const MAX_FILES = 16;
/** A file downloaded this recently is rewritten after a change, ahead of the next download. */
const WANTED_FOR_MS = 8 * 3600_000;
/** ...once the data has stopped changing for this long (the deadline checks write thousands of rows in a burst). */
const QUIET_MS = 15_000;
const CHECK_EVERY_MS = 5_000;

export function scoreboardWorkbooks(deps: { scoreboard: ScoreboardService; changes?: ChangeFeed; clock?: () => number }) {
  const { scoreboard, changes } = deps;
  const clock = deps.clock ?? Date.now;
  const entries = new Map<string, Entry>();
  let lastVersion = -1;
  let changedAt = 0;
  let rewriting = false;

  /** The workbook as the export route serves it: the board, then every deduction behind it, written in the export worker. */
  async function write(user: SessionUser, q: { year: number; month: number }): Promise<ScoreboardWorkbook> {
    const board = await scoreboard.full(user, q);
    const details = scoreboard.detailsByCommunity(
      user,
      { year: board.year, month: board.month },
      board.communities.map((c) => c.id),
    );
    return { year: board.year, month: board.month, bytes: await buffer(streamScoreboardWorkbook(board, details)) };
  }

  function keyOf(user: SessionUser, period: { year: number; month: number; rulebookVersion: number }): string {
    const scope = createHash('sha256')
      .update([...user.scope].sort().join(','))
      .digest('base64url');
    return `${user.townshipId}|${period.year}|${period.month}|${period.rulebookVersion}|${scope}`;
  }

  /** Writes the file, kept under the feed's version noted before reading; a failed writing is not kept. */
  function start(key: string, version: number, user: SessionUser, q: { year: number; month: number }, wantedAt: number): Entry {
    const entry: Entry = { version, file: write(user, q), user, q, wantedAt };
    entries.delete(key);
    entries.set(key, entry);
    if (entries.size > MAX_FILES) entries.delete(entries.keys().next().value!);
    entry.file.catch(() => {
      if (entries.get(key) === entry) entries.delete(key);
    });
    return entry;
  }

  /** After a change and a quiet spell, rewrites (one at a time) the files still wanted. */
  async function rewriteWanted(): Promise<void> {
    if (!changes?.live || rewriting) return;
    const version = changes.version();
    if (version !== lastVersion) {
      lastVersion = version;
      changedAt = clock();
      return;
    }
    if (clock() - changedAt < QUIET_MS) return;
    rewriting = true;
    try {
      for (const [key, entry] of [...entries]) {
        if (entry.version === changes.version() || clock() - entry.wantedAt > WANTED_FOR_MS) continue;
        const fresh = start(key, changes.version(), entry.user, entry.q, entry.wantedAt);
        await fresh.file.catch(() => {}); // a failure is the next download's to report
        if (changes.version() !== version) return; // changing again: wait for the next quiet spell
      }
    } finally {
      rewriting = false;
    }
  }

  // In-process housekeeping: lost on restart, and then the next download writes the file.
  const timer = changes ? setInterval(() => void rewriteWanted(), CHECK_EVERY_MS).unref() : undefined;

  return {
    /** The caller's workbook for the month asked (default: this month); a wrong year or month throws before anything is written. */
    async workbook(user: SessionUser, q: { year?: number; month?: number }, now = new Date()): Promise<ScoreboardWorkbook> {
      const period = scoreboard.period(q, now);
      const settled = { year: period.year, month: period.month };
      if (!changes?.live) return write(user, settled);
      const key = keyOf(user, period);
      const hit = entries.get(key);
      if (hit && hit.version === changes.version()) {
        hit.wantedAt = clock();
        hit.user = user;
        entries.delete(key); // the most recently wanted is the last to be dropped
        entries.set(key, hit);
        return hit.file;
      }
      return start(key, changes.version(), user, settled, clock()).file;
    },
    /** For tests: one round of the background rewriting, as the timer runs it. */
    rewriteWanted,
    close(): void {
      if (timer) clearInterval(timer);
    },
  };
}

export type ScoreboardWorkbooks = ReturnType<typeof scoreboardWorkbooks>;
