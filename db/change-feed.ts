// The change feed: this process learns when rows that cached reads are built
// from change, in any process. Statement triggers on "ScoreTally" and
// "Community" NOTIFY 'duban_changes' with the table's name (migration
// 20261201000700_change_feed); one dedicated connection LISTENs.
//
// How a cache uses it: note version() before reading the database, keep the
// result only under that version, and treat an entry as gone once version()
// has moved on. A notification arrives after its transaction committed, so a
// result computed from a snapshot older than that commit is always dropped.
// While the connection is down, live is false and nothing may be cached.
import pg from 'pg';

export const CHANGE_CHANNEL = 'duban_changes';

export interface ChangeFeed {
  /** grows with every notification and every reconnect */
  version(): number;
  /** listening now: when false, readers must not cache */
  readonly live: boolean;
  /**
   * Moves the version on at once, for a write this process just committed: its
   * own notification may still be in flight when the writer's next read comes.
   */
  touch(): void;
  close(): Promise<void>;
}

export function listenForChanges(
  databaseUrl: string,
  log: (message: string, error?: unknown) => void = () => {},
  retryMs = 1_000,
): ChangeFeed {
  let version = 0;
  let live = false;
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  const lost = (error?: unknown) => {
    if (!live && client === undefined) return;
    live = false;
    version += 1;
    const old = client;
    client = undefined;
    old?.removeAllListeners();
    void old?.end().catch(() => {});
    if (!closed) {
      log('change feed lost its connection; caching is off until it is back', error);
      retry = setTimeout(connect, retryMs);
    }
  };

  async function connect() {
    if (closed) return;
    const next = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
    next.on('notification', () => {
      version += 1;
    });
    next.on('error', lost);
    next.on('end', () => lost());
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANGE_CHANNEL}`);
      if (closed) return void (await next.end());
      client = next;
      version += 1;
      live = true;
    } catch (error) {
      next.removeAllListeners();
      void next.end().catch(() => {});
      log('change feed could not listen; caching is off, retrying', error);
      if (!closed) retry = setTimeout(connect, retryMs);
    }
  }
  void connect();

  return {
    version: () => version,
    get live() {
      return live;
    },
    touch() {
      version += 1;
    },
    async close() {
      closed = true;
      live = false;
      clearTimeout(retry);
      const old = client;
      client = undefined;
      old?.removeAllListeners();
      await old?.end().catch(() => {});
    },
  };
}
