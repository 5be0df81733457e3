// The communities of each township (id, code, name; by code), as every
// township-wide request needs them: the session's scope of a 政法委员, the
// scoreboard's ranking, the heatmap's pages. At 3,000 communities loading
// them per request costs more than the rest of a cached read, so the list is
// kept per township while the change feed (db/change-feed.ts) says no
// community changed; without a live feed it is read every time.
import { versionedCache, type ChangeFeed } from './change-feed';
import type { ClientOrTransaction } from './client';

export interface CommunityEntry {
  id: string;
  code: string;
  name: string;
}

export function communityDirectory(db: ClientOrTransaction, changes?: ChangeFeed) {
  // One entry per township; the bound only matters for a database holding very many.
  const cached = versionedCache<CommunityEntry[]>(changes, 1_000);
  return {
    /** Every community of the township, by code. Do not change the array: it is shared. */
    township: (townshipId: string): Promise<readonly CommunityEntry[]> =>
      cached(townshipId, () =>
        db.community.findMany({ where: { townshipId }, select: { id: true, code: true, name: true }, orderBy: { code: 'asc' } }),
      ),
  };
}

export type CommunityDirectory = ReturnType<typeof communityDirectory>;
