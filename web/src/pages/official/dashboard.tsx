// The township at a glance for any month: which community is slipping on
// which rubric item (heatmap), who ranks where, and how scores moved that
// year. One request (GET /api/overview); the month lives in the hash
// (#/dashboard?month=2026-10) so a reload or a shared link keeps it.
import { useState } from 'react';
import { api } from '../../api/client';
import type { Heatmap as HeatmapResponse, Overview, Scoreboard } from '../../api/types';
import { Heatmap, HeatmapLegend, statusOfLetter, type HeatmapData } from '../../components/heatmap';
import { Load } from '../../components/status';
import { TrendChart } from '../../components/trend-chart';
import { useT } from '../../i18n';
import { hashQuery } from '../../lib/hash-query';
import { navigate } from '../../lib/router';
import { shanghaiMonth } from '../../lib/time';
import { useFetch } from '../../lib/use-fetch';

/** The month asked for in the hash, if it is a real month not after this one; else this month. */
export function chosenMonth(now: Date): { year: number; month: number; current: string } {
  const current = shanghaiMonth(now);
  const asked = hashQuery().get('month') ?? '';
  const value = /^\d{4}-(0[1-9]|1[0-2])$/.test(asked) && asked <= current ? asked : current;
  const [year, month] = value.split('-').map(Number) as [number, number];
  return { year, month, current };
}

export function DashboardPage() {
  const t = useT();
  const { year, month, current } = chosenMonth(new Date());
  const key = `${year}-${String(month).padStart(2, '0')}`;
  const state = useFetch(() => api.get<Overview>('/api/overview', { year, month }), [year, month]);
  return (
    <section aria-labelledby="dash-title">
      <div className="title-row">
        <h1 id="dash-title">{t('dash.title')}</h1>
        <MonthPicker year={year} month={month} current={current} />
        <a className="button" href={`/api/scoreboard/export?year=${year}&month=${month}`} download data-testid="export-link">
          {t('dash.exportMonth', { year, month })}
        </a>
      </div>
      {key !== current && (
        <p className="notice small" role="status" data-testid="history-notice">
          {t('dash.history', { year, month })}
        </p>
      )}
      <Load state={state} route="GET /api/overview">
        {(o) => (
          <>
            <h2>{t('dash.heatmap')}</h2>
            <HeatmapLegend />
            <Heatmap data={heatmapData(o.heatmap)} caption={t('dash.heatmapCaption', { month: t('dash.monthName', { year, month }) })} />
            <div className="columns">
              <div>
                <h2>{t('dash.ranking')}</h2>
                <Ranking first={o.scoreboard} />
              </div>
              <div>
                <h2>{t('dash.trend')}</h2>
                <TrendChart series={o.trend.series} baseScore={o.trend.baseScore} title={t('dash.trend')} />
              </div>
            </div>
          </>
        )}
      </Load>
    </section>
  );
}

/** Year and month, as two selects (they work the same on every phone and desktop); no month after this one. */
function MonthPicker({ year, month, current }: { year: number; month: number; current: string }) {
  const t = useT();
  const [cy, cm] = current.split('-').map(Number) as [number, number];
  const years = Array.from({ length: 5 }, (_, i) => cy - i);
  const go = (y: number, m: number) => {
    const clamped = y === cy ? Math.min(m, cm) : m;
    navigate(`/dashboard?month=${y}-${String(clamped).padStart(2, '0')}`);
  };
  return (
    <div className="month-picker" role="group" aria-label={t('dash.pickMonth')}>
      <label htmlFor="dash-year">{t('dash.year')}</label>
      <select id="dash-year" value={year} onChange={(e) => go(Number(e.target.value), month)}>
        {years.map((y) => (
          <option key={y} value={y}>
            {y}年
          </option>
        ))}
      </select>
      <label htmlFor="dash-month">{t('dash.month')}</label>
      <select id="dash-month" value={month} onChange={(e) => go(year, Number(e.target.value))}>
        {Array.from({ length: year === cy ? cm : 12 }, (_, i) => i + 1).map((m) => (
          <option key={m} value={m}>
            {m}月
          </option>
        ))}
      </select>
    </div>
  );
}

/** The ranking, a page at a time (the overview brings the first page; the others are asked for). */
function Ranking({ first }: { first: Scoreboard }) {
  const t = useT();
  const [offset, setOffset] = useState(0);
  const other = useFetch(
    () =>
      offset === 0 ? Promise.resolve(first) : api.get<Scoreboard>('/api/scoreboard', { year: first.year, month: first.month, offset }),
    [first, offset],
  );
  const board = other.data ?? first;
  const size = first.communities.length;
  return (
    <>
      {board.inScope > size && (
        <div className="pager" data-testid="ranking-pager">
          <span className="small muted">
            {t('dash.rankingPage', { from: board.offset + 1, to: board.offset + board.communities.length, total: board.inScope })}
          </span>
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - size))}>
            {t('dash.prevPage')}
          </button>
          <button type="button" disabled={offset + size >= board.inScope} onClick={() => setOffset(offset + size)}>
            {t('dash.nextPage')}
          </button>
        </div>
      )}
      <RankingTable board={board} />
    </>
  );
}

function RankingTable({ board }: { board: Scoreboard }) {
  const t = useT();
  return (
    <table className="table" data-testid="ranking">
      <thead>
        <tr>
          <th scope="col">{t('dash.rank')}</th>
          <th scope="col">{t('common.community')}</th>
          <th scope="col">{t('dash.total')}</th>
          <th scope="col">{t('dash.ytd')}</th>
          <th scope="col">{t('dash.monthDeducted')}</th>
          <th scope="col">{t('dash.open')}</th>
          <th scope="col">{t('dash.atRisk')}</th>
        </tr>
      </thead>
      <tbody>
        {board.communities.map((c) => (
          <tr key={c.id}>
            <td>{c.rank}</td>
            <th scope="row">
              <a href={`#/deductions?communityId=${c.id}`}>{c.name}</a>
            </th>
            <td className="num">{c.total}</td>
            <td className="num">{c.ytdDeducted}</td>
            <td className="num">{c.monthDeducted}</td>
            <td className="num">{c.openObligationsThisMonth}</td>
            <td className="num">{c.pointsAtRiskThisMonth}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function heatmapData(h: HeatmapResponse): HeatmapData {
  const row = new Map(h.communities.map((c, i) => [c.id, h.statuses[i] ?? '']));
  const column = new Map(h.items.map((item, j) => [item.ruleId, j]));
  return {
    communities: h.communities,
    items: h.items.map((i) => ({ key: i.ruleId, label: i.title })),
    cell: (c, r) => statusOfLetter(row.get(c)?.[column.get(r) ?? -1]),
    link: (c, r, s) => (s === 'deducted' ? `#/deductions?communityId=${c}&ruleId=${encodeURIComponent(r)}` : undefined),
  };
}
