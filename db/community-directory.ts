// The communities of each township (id, code, name; by code), as every
// township-wide request needs them: the session's scope of a 政法委员, the
// scoreboard's ranking, the heatmap's pages. At 3,000 communities loading
// them per request costs more than the rest of a cached read, so the list is
// kept per township while the change feed (db/change-feed.ts) says no
// community changed; without a live feed it is read every time.
import type { ChangeFeed } from './change-feed';
import type { Database } from './client';

export interface CommunityEntry {
  id: string;
  code: string;
  name: string;
}

export function communityDirectory(db: Database, changes?: ChangeFeed) {
  const kept = new Map<string, { version: number; list: Promise<CommunityEntry[]> }>();
  const load = (townshipId: string) =>
    db.community.findMany({ where: { townshipId }, select: { id: true, code: true, name: true }, orderBy: { code: 'asc' } });
  return {
    /** Every community of the township, by code. Do not change the array: it is shared. */
    township(townshipId: string): Promise<readonly CommunityEntry[]> {
      if (!changes?.live) return load(townshipId);
      const version = changes.version();
      const hit = kept.get(townshipId);
      if (hit && hit.version === version) return hit.list;
      const list = load(townshipId);
      kept.set(townshipId, { version, list });
      list.catch(() => {
        if (kept.get(townshipId)?.list === list) kept.delete(townshipId);
      });
      return list;
    },
  };
}

export type CommunityDirectory = ReturnType<typeof communityDirectory>;
