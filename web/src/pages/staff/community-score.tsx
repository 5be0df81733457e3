// A community's standing as its staff see it: score, rank, what is already
// lost, and what is still at risk if open tasks miss their deadlines.
import { api, ApiError } from '../../api/client';
import type { Deduction, Scoreboard, Task } from '../../api/types';
import { Load } from '../../components/status';
import { TrendChart } from '../../components/trend-chart';
import { useT } from '../../i18n';
import { loadTrend } from '../../lib/score-trend';
import { formatDate, shanghaiMonth } from '../../lib/time';
import { useFetch } from '../../lib/use-fetch';

export function CommunityScorePage({ communityId }: { communityId: string }) {
  const t = useT();
  const board = useFetch(() => api.get<Scoreboard>('/api/scoreboard'), []);
  const risk = useFetch(() => loadAtRisk(communityId), [communityId]);
  const deductions = useFetch(() => api.get<Deduction[]>('/api/deductions', { communityId, limit: 100 }), [communityId]);
  const [year, month] = shanghaiMonth(new Date()).split('-').map(Number) as [number, number];
  const trend = useFetch(() => loadTrend(year, month, [communityId]), [communityId]);

  return (
    <section aria-labelledby="score-title">
      <Load state={board} route="GET /api/scoreboard">
        {(b) => {
          const row = b.communities.find((c) => c.id === communityId);
          if (!row) return <p className="muted">{t('common.none')}</p>;
          return (
            <>
              <h1 id="score-title">{t('score.title', { community: row.name })}</h1>
              <div className="score-cards">
                <div className="stat"><span className="stat-label">{t('score.total')}</span><span className="stat-value" data-testid="score-total">{row.total}</span>
                  <span className="muted small">{t('score.rank', { rank: row.rank, of: b.rankOutOf })}</span></div>
                <div className="stat"><span className="stat-label">{t('score.ytd', { points: row.ytdDeducted })}</span>
                  <span className="muted small">{t('score.month', { points: row.monthDeducted })}</span></div>
                <div className="stat stat-risk"><span className="stat-label">{t('score.atRisk')}</span>
                  {risk.data ? <span className="small">{t('score.atRiskDetail', { count: risk.data.count, points: risk.data.points })}</span>
                    : <span className="small">{t('score.openThisMonth', { count: row.openObligationsThisMonth })}</span>}
                </div>
              </div>
            </>
          );
        }}
      </Load>
      <h2>{t('score.trend')}</h2>
      <Load state={trend} route="GET /api/scoreboard">{(d) => <TrendChart series={d.series} baseScore={d.baseScore} title={t('score.trend')} />}</Load>
      <h2>{t('score.deductions')}</h2>
      <Load state={deductions} route="GET /api/deductions">
        {(list) => list.length === 0 ? <p className="muted">{t('score.noDeductions')}</p> : (
          <ul className="plain-list">
            {list.map((d) => (
              <li key={d.id}>
                <a href={`#/deductions/${d.id}`}>{formatDate(d.occurredAt)} · {d.item} · {d.kind === 'REVERSAL' ? '+' : '−'}{d.points}</a>
                <div className="muted small">{d.explanation}</div>
              </li>
            ))}
          </ul>
        )}
      </Load>
    </section>
  );
}

/** Points of open tasks: what the community loses if none of them is done in time. */
async function loadAtRisk(communityId: string): Promise<{ count: number; points: number } | undefined> {
  try {
    const { tasks } = await api.get<{ tasks: Task[] }>('/api/tasks', { scope: 'mine' });
    const open = tasks.filter((x) => x.communityId === communityId && (x.status === 'OPEN' || x.status === 'SUBMITTED'));
    return { count: open.length, points: Math.round(open.reduce((a, x) => a + x.points, 0) * 10) / 10 };
  } catch (err) {
    // Until the task API exists the scoreboard's open-obligation count stands in.
    if (err instanceof ApiError && err.missingRoute) return undefined;
    throw err;
  }
}
