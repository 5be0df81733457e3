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

/**
 * Results kept while the feed says nothing they were read from has changed;
 * concurrent readers of one key share one computation, a failed one is not
 * kept, and past `maxEntries` the least recently stored entry goes. Without a
 * live feed every call computes.
 */
export function versionedCache<T>(feed: ChangeFeed | undefined, maxEntries: number) {
  const entries = new Map<string, { version: number; value: Promise<T> }>();
  return (key: string, compute: () => Promise<T>): Promise<T> => {
    if (!feed?.live) return compute();
    const version = feed.version();
    const hit = entries.get(key);
    if (hit && hit.version === version) return hit.value;
    const value = compute();
    entries.delete(key);
    entries.set(key, { version, value });
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    value.catch(() => {
      if (entries.get(key)?.value === value) entries.delete(key);
    });
    return value;
  };
}
