// A community's standing as its staff see it: score, rank, what is already
// lost, and what is still at risk if open tasks miss their deadlines (the
// scoreboard's count and points of this month's open tasks not yet due).
import { api } from '../../api/client';
import type { CommunityBoard, CountedDeduction } from '../../api/types';
import { Load } from '../../components/status';
import { TrendChart } from '../../components/trend-chart';
import { useT } from '../../i18n';
import { formatDate } from '../../lib/time';
import { useFetch } from '../../lib/use-fetch';

export function CommunityScorePage({ communityId }: { communityId: string }) {
  const t = useT();
  const board = useFetch(() => api.get<CommunityBoard>(`/api/scoreboard/communities/${communityId}`), [communityId]);
  // Each deduction with what it counts for after its clause's cap: the score function's answer, not the row's raw points.
  const deductions = useFetch(() => api.get<CountedDeduction[]>('/api/scoreboard/deductions', { communityId }), [communityId]);

  return (
    <section aria-labelledby="score-title">
      <Load state={board} route="GET /api/scoreboard/communities/:id">
        {(b) => {
          const row = b.community;
          return (
            <>
              <h1 id="score-title">{t('score.title', { community: row.name })}</h1>
              <div className="score-cards">
                <div className="stat">
                  <span className="stat-label">{t('score.total')}</span>
                  <span className="stat-value" data-testid="score-total">
                    {row.total}
                  </span>
                  <span className="muted small">{t('score.rank', { rank: row.rank, of: b.rankOutOf })}</span>
                </div>
                <div className="stat">
                  <span className="stat-label">{t('score.ytd', { points: row.ytdDeducted })}</span>
                  <span className="muted small">{t('score.month', { points: row.monthDeducted })}</span>
                </div>
                <div className="stat stat-risk">
                  <span className="stat-label">{t('score.atRisk')}</span>
                  <span className="small">
                    {t('score.atRiskDetail', { count: row.openObligationsThisMonth, points: row.pointsAtRiskThisMonth })}
                  </span>
                </div>
              </div>
            </>
          );
        }}
      </Load>
      <h2>{t('score.trend')}</h2>
      <Load state={board} route="GET /api/scoreboard/communities/:id">
        {(b) => (
          <TrendChart
            series={[
              { id: b.community.id, name: b.community.name, points: b.community.totalByMonth.map((total, i) => ({ month: i + 1, total })) },
            ]}
            baseScore={b.baseScore}
            title={t('score.trend')}
          />
        )}
      </Load>
      <h2>{t('score.deductions')}</h2>
      <Load state={deductions} route="GET /api/scoreboard/deductions">
        {(list) =>
          list.length === 0 ? (
            <p className="muted">{t('score.noDeductions')}</p>
          ) : (
            <ul className="plain-list">
              {list.map((d) => (
                <li key={d.id} className={d.reversed ? 'reversed' : ''}>
                  <a href={`#/deductions/${d.id}`}>
                    {formatDate(d.occurredAt)} · {d.item} · {d.ruleTitle}
                    {d.counted !== null && (d.counted > 0 ? ` · −${d.counted}` : ` · ${t('score.capReached')}`)}
                  </a>
                  {d.reversed && (
                    <>
                      {' '}
                      <span className="badge" data-testid="reversed-mark">
                        {t('score.reversedMark')}
                      </span>
                    </>
                  )}
                  <div className="muted small">{d.explanation}</div>
                </li>
              ))}
            </ul>
          )
        }
      </Load>
    </section>
  );
}
