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
// has been quiet for QUIET_MS, so the next download finds it ready; an out of
// date file nobody wanted that long is dropped. Nothing is kept while the feed
// is down: downloads then read and write afresh (those arriving together still
// share one writing).
//
// The same file for the same people: a key is the township, the month the
// board settles on (its year, month and rulebook version) and the caller's
// scope. Downloads that arrive while their file is being written wait for that
// one writing. A file is read from one snapshot of the database (the
// `snapshot` given, db/scoreboard-repository.ts): its figures and its list of
// deductions agree even when a deduction commits while it is written.
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

/** Runs `read` with a scoreboard service that reads one snapshot of the database (nothing cached). */
export type ScoreboardSnapshot = <T>(read: (scoreboard: ScoreboardService) => Promise<T>) => Promise<T>;

export function scoreboardWorkbooks(deps: {
  /** resolves the month a request asks for */
  scoreboard: ScoreboardService;
  snapshot: ScoreboardSnapshot;
  changes?: ChangeFeed;
  clock?: () => number;
}) {
  const { scoreboard, changes } = deps;
  const clock = deps.clock ?? Date.now;
  const entries = new Map<string, Entry>();
  /** while the feed is down: writings in progress, shared by downloads that arrive together, not kept */
  const unkept = new Map<string, Promise<ScoreboardWorkbook>>();
  let lastVersion = -1;
  let changedAt = 0;
  let rewriting = false;

  /** The board, then every deduction behind it, read from one snapshot and written in the export worker. */
  async function write(user: SessionUser, q: { year: number; month: number }): Promise<ScoreboardWorkbook> {
    return deps.snapshot(async (snapshot) => {
      const board = await snapshot.full(user, q);
      const details = snapshot.detailsByCommunity(
        user,
        { year: board.year, month: board.month },
        board.communities.map((c) => c.id),
      );
      return { year: board.year, month: board.month, bytes: await buffer(streamScoreboardWorkbook(board, details)) };
    });
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
        if (entries.get(key) !== entry || entry.version === changes.version()) continue; // replaced meanwhile, or current
        if (clock() - entry.wantedAt > WANTED_FOR_MS) {
          entries.delete(key); // out of date and unwanted: its memory back
          continue;
        }
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
      const key = keyOf(user, period);
      if (!changes?.live) {
        const running = unkept.get(key);
        if (running) return running;
        const file = write(user, settled).finally(() => unkept.delete(key));
        unkept.set(key, file);
        return file;
      }
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
