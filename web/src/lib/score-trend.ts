// The trend comes from the scoreboard itself: its total for month M is the
// score at the end of M (deductions from January to M), so asking for each
// month of the year gives the curve with no extra API.
import { api } from '../api/client';
import type { Scoreboard } from '../api/types';
import type { Series } from '../components/trend-chart';

export async function loadTrend(year: number, uptoMonth: number, onlyIds?: string[]): Promise<{ baseScore: number; series: Series[] }> {
  const months = Array.from({ length: uptoMonth }, (_, i) => i + 1);
  const boards = await Promise.all(months.map((month) => api.get<Scoreboard>('/api/scoreboard', { year, month })));
  const byId = new Map<string, Series>();
  boards.forEach((board, i) => {
    for (const c of board.communities) {
      if (onlyIds && !onlyIds.includes(c.id)) continue;
      const s = byId.get(c.id) ?? { id: c.id, name: c.name, points: [] };
      s.points.push({ month: months[i]!, total: c.total });
      byId.set(c.id, s);
    }
  });
  return { baseScore: boards[0]?.baseScore ?? 100, series: [...byId.values()] };
}
