// Sensitive dates (重要时间节点): the recurring ones the rulebook defines
// (solar and lunar dates) and the ones the admin adds for a single year.
import { api } from '../../api/client';
import { Load } from '../../components/status';
import { useT, type Translate } from '../../i18n';
import { asList } from '../../lib/list';
import { formatDate } from '../../lib/time';
import { useFetch } from '../../lib/use-fetch';
import rulebook, { type SensitiveWindowDef } from 'virtual:rulebook';

interface AdminWindow { id: string; name: string; startsOn: string; endsOn: string }

function describe(t: Translate, d: Record<string, string>): string {
  if (d.lunar) return t('calendar.lunar', { date: d.lunar });
  if (d.solar) return t('calendar.solar', { date: d.solar });
  return t('calendar.once', { date: d.date ?? '' });
}

export function CalendarPage() {
  const t = useT();
  // Proposed route for admin-added windows (SensitiveWindow rows); the rulebook's own windows need no API.
  const extra = useFetch(async () => asList<AdminWindow>(await api.get<unknown>('/api/sensitive-windows'), 'windows', 'items'), []);
  return (
    <section aria-labelledby="cal-title">
      <h1 id="cal-title">{t('calendar.title')}</h1>
      <h2>{t('calendar.fromRulebook')}</h2>
      <table className="table">
        <thead><tr><th scope="col">{t('calendar.name')}</th><th scope="col">{t('calendar.range')}</th><th scope="col" /></tr></thead>
        <tbody>{rulebook.sensitiveWindows.map((w: SensitiveWindowDef) => (
          <tr key={w.id}><th scope="row">{w.name}</th><td>{describe(t, w.start)} — {describe(t, w.end)}</td>
            <td className="muted small">{t('calendar.around', { before: w.daysBefore ?? 0, after: w.daysAfter ?? 0 })}{w.note ? ` · ${w.note}` : ''}</td></tr>
        ))}</tbody>
      </table>
      <h2>{t('calendar.admin')}</h2>
      <Load state={extra} route="GET /api/sensitive-windows">
        {(rows) => rows.length === 0 ? <p className="muted">{t('common.none')}</p> : (
          <ul className="plain-list">{rows.map((w) => <li key={w.id}>{w.name}：{formatDate(w.startsOn)} — {formatDate(w.endsOn)}</li>)}</ul>
        )}
      </Load>
    </section>
  );
}
