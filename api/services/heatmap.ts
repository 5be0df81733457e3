// The heatmap: communities x rubric items for a month, one state per cell.
// Scope first and one page of communities at a time; the database reduces a
// cell's tasks to two facts (a deduction shown? the earliest open deadline?)
// and the pure functions below turn them into the state a person sees.
import type { SessionUser } from '../../db/auth-repository';
import type { CommunityDirectory } from '../../db/community-directory';
import type { TaskRepository } from '../../db/task-repository';
import type { TaskService } from './task-service';
import { monthPeriod } from '../../domain/time/period';

import { CELL_LETTER, NO_TASK, type CellStatus } from '../../domain/heatmap-cell';
export type { CellStatus };

const SEVERITY: Record<CellStatus, number> = { 'on-track': 0, 'due-soon': 1, overdue: 2, deducted: 3 };
const DUE_SOON_MS = 3 * 86_400_000;

export function cellStatus(task: { status: string; dueAt: Date }, now: Date): CellStatus {
  if (task.status === 'OVERDUE' || task.status === 'CLOSED_LATE') return 'deducted';
  if (task.status === 'CLOSED' || task.status === 'WAIVED') return 'on-track';
  const left = task.dueAt.getTime() - now.getTime();
  if (left < 0) return 'overdue';
  return left <= DUE_SOON_MS ? 'due-soon' : 'on-track';
}

/**
 * The worst state among a cell's tasks, from its two facts: a task showing a
 * deduction wins; otherwise the earliest deadline still open decides (the
 * earliest is the worst of the open ones); with none open the cell is on track.
 */
export function cellFromFacts(facts: { deducted: boolean; openDueAt: Date | null }, now: Date): CellStatus {
  if (facts.deducted) return 'deducted';
  return facts.openDueAt ? cellStatus({ status: 'OPEN', dueAt: facts.openDueAt }, now) : 'on-track';
}

export function worse(a: CellStatus, b: CellStatus): CellStatus {
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}

export interface HeatmapPage {
  communities: Array<{ id: string; name: string }>;
  /** per community, one letter per item (domain/heatmap-cell.ts) */
  statuses: string[];
}

/**
 * Past months, cached in this process. A past month still changes when someone
 * waives a task, reverses or appeals a deduction or records an incident: the
 * API calls invalidate() after each such request (api/app.ts), and nothing is
 * cached for `quietMs` afterwards, because the workflow writes the new state a
 * moment after the request returned. Writes this process does not see (another
 * API instance, a late workflow) are bounded by `ttlMs`.
 */
export function heatmapCache(opts: { ttlMs: number; quietMs: number; maxEntries: number; now?: () => number }) {
  const clock = opts.now ?? Date.now;
  const entries = new Map<string, { at: number; page: HeatmapPage }>();
  let quietUntil = 0;
  return {
    get(key: string): HeatmapPage | undefined {
      const hit = entries.get(key);
      if (!hit) return undefined;
      if (clock() - hit.at > opts.ttlMs) {
        entries.delete(key);
        return undefined;
      }
      return hit.page;
    },
    set(key: string, page: HeatmapPage): void {
      if (clock() < quietUntil) return;
      if (entries.size >= opts.maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, { at: clock(), page });
    },
    invalidate(): void {
      entries.clear();
      quietUntil = clock() + opts.quietMs;
    },
  };
}

export type HeatmapCache = ReturnType<typeof heatmapCache>;

/** A month is settled (cacheable) two days after it ended: deadline-day workflow writes have landed by then. */
const SETTLED_AFTER_MS = 2 * 86_400_000;

export async function heatmapPage(
  deps: { tasks: TaskRepository; cache: HeatmapCache },
  q: {
    /** the page's communities, by code */
    communities: ReadonlyArray<{ id: string; name: string }>;
    /** the items (rules) in row order: the year's rulebook, or one section of it */
    ruleIds: readonly string[];
    year: number;
    month: number;
    section?: number;
    now: Date;
  },
): Promise<HeatmapPage> {
  const { start: from, end: to } = monthPeriod(q.year, q.month);
  const communities = q.communities.map((c) => ({ id: c.id, name: c.name }));
  const ids = communities.map((c) => c.id);
  const settled = q.now.getTime() - to.getTime() > SETTLED_AFTER_MS;
  const key = `${q.year}-${q.month}|${q.section ?? ''}|${ids.join(',')}`;
  const cached = settled ? deps.cache.get(key) : undefined;
  if (cached) return cached;
  if (ids.length === 0) return { communities, statuses: [] };
  const [tasks, deducted] = await Promise.all([
    deps.tasks.heatmapTasks(ids, from, to, q.section),
    deps.tasks.heatmapDeductions(ids, from, to, q.section),
  ]);
  const row = new Map(ids.map((id, i) => [id, i]));
  const column = new Map(q.ruleIds.map((id, j) => [id, j]));
  const grid = ids.map(() => new Array<CellStatus | undefined>(q.ruleIds.length));
  const put = (communityId: string, ruleId: string, status: CellStatus) => {
    const i = row.get(communityId);
    const j = column.get(ruleId);
    if (i !== undefined && j !== undefined) grid[i]![j] = worse(grid[i]![j] ?? status, status);
  };
  for (const t of tasks) put(t.communityId, t.ruleId, cellFromFacts(t, q.now));
  // Incident deductions have no task: they colour their item's cell too.
  for (const d of deducted) put(d.communityId, d.ruleId, 'deducted');
  const page = { communities, statuses: grid.map((cells) => Array.from(cells, (c) => (c ? CELL_LETTER[c] : NO_TASK)).join('')) };
  if (settled) deps.cache.set(key, page);
  return page;
}

/** Communities per heatmap page: a screenful for a person (100 x ~90 items), not the prefecture. */
export const HEATMAP_PAGE = 100;

/** One page of a month's heatmap as the caller sees it (the heatmap route and 总览 both answer with it). */
export async function heatmapView(
  deps: { tasks: TaskRepository; cache: HeatmapCache; directory: CommunityDirectory; service: Pick<TaskService, 'rulebookFor'> },
  user: SessionUser,
  q: {
    year: number;
    month: number;
    section?: number;
    page: number;
    pageSize: number;
  },
) {
  // Scope first: the caller's communities by code, one page of them; names come with the township's directory.
  const scope = new Set(user.scope);
  const mine = (await deps.directory.township(user.townshipId)).filter((c) => scope.has(c.id));
  const communities = mine.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
  // The rubric's layout: every item of the year's rulebook (of the section) is a row, every community of the page a column.
  const rules = (deps.service.rulebookFor(q.year)?.rules ?? []).filter((r) => q.section === undefined || r.section === q.section);
  const map = await heatmapPage(
    { tasks: deps.tasks, cache: deps.cache },
    { communities, ruleIds: rules.map((r) => r.id), year: q.year, month: q.month, section: q.section, now: new Date() },
  );
  return {
    month: `${q.year}-${String(q.month).padStart(2, '0')}`,
    section: q.section ?? null,
    page: { number: q.page, size: q.pageSize, communities: mine.length },
    communities: map.communities,
    items: rules.map((r) => ({ ruleId: r.id, title: r.title })),
    statuses: map.statuses,
  };
}
