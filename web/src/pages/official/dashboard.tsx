// The township at a glance: which community is slipping on which rubric item
// (heatmap), who ranks where, and how scores moved this year.
import { api, ApiError } from '../../api/client';
import type { Heatmap as HeatmapResponse, Scoreboard } from '../../api/types';
import { Heatmap, HeatmapLegend, normalizeStatus, type HeatmapData } from '../../components/heatmap';
import { Load } from '../../components/status';
import { TrendChart } from '../../components/trend-chart';
import { useT } from '../../i18n';
import { loadTrend } from '../../lib/score-trend';
import { shanghaiMonth } from '../../lib/time';
import { useFetch } from '../../lib/use-fetch';
import rulebook from 'virtual:rulebook';

export function DashboardPage() {
  const t = useT();
  const month = shanghaiMonth(new Date());
  const [y, m] = month.split('-').map(Number) as [number, number];
  const heat = useFetch(() => loadHeatmap(month), [month]);
  const board = useFetch(() => api.get<Scoreboard>('/api/scoreboard'), []);
  const trend = useFetch(() => loadTrend(y, m), [y, m]);
  return (
    <section aria-labelledby="dash-title">
      <div className="title-row">
        <h1 id="dash-title">{t('dash.title')}</h1>
        <a className="button" href={`/api/scoreboard/export?year=${y}&month=${m}`} download>{t('common.export')}</a>
      </div>
      <h2>{t('dash.heatmap')}</h2>
      <Load state={heat} route="GET /api/heatmap">
        {(h) => (
          <>
            {h.fallback && <p className="notice notice-missing small" role="status">{t('dash.heatmapFallback')}</p>}
            <HeatmapLegend />
            <Heatmap data={h.data} caption={t('dash.heatmapCaption', { month })} />
          </>
        )}
      </Load>
      <div className="columns">
        <div>
          <h2>{t('dash.ranking')}</h2>
          <Load state={board} route="GET /api/scoreboard">{(b) => <Ranking board={b} />}</Load>
        </div>
        <div>
          <h2>{t('dash.trend')}</h2>
          <Load state={trend} route="GET /api/scoreboard">{(d) => <TrendChart series={d.series} baseScore={d.baseScore} title={t('dash.trend')} />}</Load>
        </div>
      </div>
    </section>
  );
}

function Ranking({ board }: { board: Scoreboard }) {
  const t = useT();
  return (
    <table className="table" data-testid="ranking">
      <thead><tr><th scope="col">{t('dash.rank')}</th><th scope="col">{t('common.community')}</th><th scope="col">{t('dash.total')}</th>
        <th scope="col">{t('dash.ytd')}</th><th scope="col">{t('dash.monthDeducted')}</th><th scope="col">{t('dash.open')}</th><th scope="col">{t('dash.atRisk')}</th></tr></thead>
      <tbody>
        {board.communities.map((c) => (
          <tr key={c.id}>
            <td>{c.rank}</td>
            <th scope="row"><a href={`#/deductions?communityId=${c.id}`}>{c.name}</a></th>
            <td className="num">{c.total}</td><td className="num">{c.ytdDeducted}</td><td className="num">{c.monthDeducted}</td><td className="num">{c.openObligationsThisMonth}</td><td className="num">{c.pointsAtRiskThisMonth}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The live heatmap from the task API; until that route exists, deductions from the scoreboard colour the cells. */
async function loadHeatmap(month: string): Promise<{ data: HeatmapData; fallback: boolean }> {
  try {
    const h = await api.get<HeatmapResponse>('/api/heatmap', { month });
    const cells = new Map(h.cells.map((c) => [`${c.communityId}|${c.ruleId}`, normalizeStatus(c.status)]));
    return {
      fallback: false,
      data: {
        communities: h.communities,
        items: h.items.map((i) => ({ key: i.ruleId, label: i.title, group: i.item })),
        cell: (c, r) => cells.get(`${c}|${r}`) ?? 'NONE',
        link: (c, r, s) => (s === 'DEDUCTED' ? `#/deductions?communityId=${c}&ruleId=${encodeURIComponent(r)}` : undefined),
      },
    };
  } catch (err) {
    if (!(err instanceof ApiError && err.missingRoute)) throw err;
  }
  const [y, m] = month.split('-').map(Number);
  const b = await api.get<Scoreboard>('/api/scoreboard', { year: y, month: m });
  const deducted = new Set(b.communities.flatMap((c) => c.items.filter((i) => i.ytdDeducted > 0).map((i) => `${c.id}|${i.section}|${i.item}`)));
  // Rows: every rubric item of the rulebook, plus any item a deduction names that the rulebook lacks.
  const sectionTitle = new Map(rulebook.sections.map((x) => [String(x.number), x.title]));
  const rows = new Map<string, { key: string; label: string; group?: string }>();
  for (const r of rulebook.rules) rows.set(`${r.section}|${r.item}`, { key: `${r.section}|${r.item}`, label: r.item, group: sectionTitle.get(String(r.section)) });
  for (const r of b.rows) if (!rows.has(`${r.section}|${r.item}`)) rows.set(`${r.section}|${r.item}`, { key: `${r.section}|${r.item}`, label: r.item, group: sectionTitle.get(r.section) ?? r.section });
  return {
    fallback: true,
    data: {
      communities: b.communities.map((c) => ({ id: c.id, name: c.name })),
      items: [...rows.values()],
      cell: (c, k) => (deducted.has(`${c}|${k}`) ? 'DEDUCTED' : 'NONE'),
      link: (c, _k, s) => (s === 'DEDUCTED' ? `#/deductions?communityId=${c}` : undefined),
    },
  };
}
