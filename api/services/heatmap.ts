// The heatmap: communities x rubric items for a month, one state per cell.
// Scope first and one page of communities at a time; the database reduces a
// cell's tasks to two facts (a deduction shown? the earliest open deadline?)
// and the pure functions below turn them into the state a person sees.
import type { SessionUser } from '../../db/auth-repository';
import type { TaskRepository } from '../../db/task-repository';
import type { TaskService } from './task-service';
import { monthPeriod } from '../../domain/time/period';

import type { CellStatus } from '../contract';
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
  cells: Array<{ communityId: string; ruleId: string; status: CellStatus }>;
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

export async function heatmapPage(deps: { tasks: TaskRepository; cache: HeatmapCache }, q: {
  scope: string[]; year: number; month: number; section?: number; page: number; pageSize: number; now: Date;
}): Promise<HeatmapPage> {
  const { start: from, end: to } = monthPeriod(q.year, q.month);
  const communities = await deps.tasks.communityPage(q.scope, (q.page - 1) * q.pageSize, q.pageSize);
  const ids = communities.map((c) => c.id);
  const settled = q.now.getTime() - to.getTime() > SETTLED_AFTER_MS;
  const key = `${q.year}-${q.month}|${q.section ?? ''}|${ids.join(',')}`;
  const cached = settled ? deps.cache.get(key) : undefined;
  if (cached) return cached;
  if (ids.length === 0) return { communities, cells: [] };
  const [tasks, deducted] = await Promise.all([
    deps.tasks.heatmapTasks(ids, from, to, q.section), deps.tasks.heatmapDeductions(ids, from, to, q.section),
  ]);
  const cells = new Map<string, { communityId: string; ruleId: string; status: CellStatus }>();
  for (const t of tasks) cells.set(`${t.communityId}|${t.ruleId}`, { communityId: t.communityId, ruleId: t.ruleId, status: cellFromFacts(t, q.now) });
  // Incident deductions have no task: they colour their item's cell too.
  for (const d of deducted) {
    const k = `${d.communityId}|${d.ruleId}`;
    cells.set(k, { communityId: d.communityId, ruleId: d.ruleId, status: worse(cells.get(k)?.status ?? 'on-track', 'deducted') });
  }
  const page = { communities, cells: [...cells.values()] };
  if (settled) deps.cache.set(key, page);
  return page;
}

/** Communities per heatmap page: a screenful for a person (100 x ~90 items), not the prefecture. */
export const HEATMAP_PAGE = 100;

/** One page of a month's heatmap as the caller sees it (the heatmap route and 总览 both answer with it). */
export async function heatmapView(deps: { tasks: TaskRepository; cache: HeatmapCache; service: Pick<TaskService, 'rulebookFor'> }, user: SessionUser, q: {
  year: number; month: number; section?: number; page: number; pageSize: number;
}) {
  const map = await heatmapPage({ tasks: deps.tasks, cache: deps.cache }, { scope: user.scope, ...q, now: new Date() });
  // The rubric's layout: every item of the year's rulebook (of the section) is a row, every community of the page a column.
  const rules = (deps.service.rulebookFor(q.year)?.rules ?? []).filter((r) => q.section === undefined || r.section === q.section);
  return {
    month: `${q.year}-${String(q.month).padStart(2, '0')}`, section: q.section ?? null,
    page: { number: q.page, size: q.pageSize, communities: user.scope.length },
    cells: map.cells, communities: map.communities, items: rules.map((r) => ({ ruleId: r.id, title: r.title })),
  };
}
