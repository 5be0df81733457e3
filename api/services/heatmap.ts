// Heatmap cell status: the worst state among a community's tasks of one rule
// in the month. Pure, so the colouring rule is tested without a database.
export type CellStatus = 'on-track' | 'due-soon' | 'overdue' | 'deducted';

const SEVERITY: Record<CellStatus, number> = { 'on-track': 0, 'due-soon': 1, overdue: 2, deducted: 3 };
const DUE_SOON_MS = 3 * 86_400_000;

export function cellStatus(task: { status: string; dueAt: Date }, now: Date): CellStatus {
  if (task.status === 'OVERDUE' || task.status === 'CLOSED_LATE') return 'deducted';
  if (task.status === 'CLOSED' || task.status === 'WAIVED') return 'on-track';
  const left = task.dueAt.getTime() - now.getTime();
  if (left < 0) return 'overdue';
  return left <= DUE_SOON_MS ? 'due-soon' : 'on-track';
}

export function heatmapCells(rows: Array<{ communityId: string; ruleId: string; status: string; dueAt: Date; title: string; communityName?: string }>, now: Date) {
  const cells = new Map<string, { communityId: string; ruleId: string; status: CellStatus }>();
  const items = new Map<string, string>();
  const communities = new Map<string, string>();
  for (const row of rows) {
    items.set(row.ruleId, row.title);
    communities.set(row.communityId, row.communityName ?? row.communityId);
    const key = `${row.communityId}|${row.ruleId}`;
    const status = cellStatus(row, now);
    const previous = cells.get(key);
    if (!previous || SEVERITY[status] > SEVERITY[previous.status]) cells.set(key, { communityId: row.communityId, ruleId: row.ruleId, status });
  }
  return {
    communities: [...communities].map(([id, name]) => ({ id, name })),
    items: [...items].map(([ruleId, title]) => ({ ruleId, title })).sort((a, b) => a.ruleId.localeCompare(b.ruleId)),
    cells: [...cells.values()],
  };
}
