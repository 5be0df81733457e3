// Flood-season duty: who is on duty in which community on which day, and
// whether they checked in (a missed check-in costs 2 points).
import { useState } from 'react';
import { api } from '../../api/client';
import type { CommunityRow } from '../../api/types';
import { Load } from '../../components/status';
import { useT } from '../../i18n';
import { asList } from '../../lib/list';
import { formatDate, formatDateTime, shanghaiMonth } from '../../lib/time';
import { useFetch } from '../../lib/use-fetch';
import rulebook from 'virtual:rulebook';

interface Shift { id: string; communityId: string; dutyDate: string; userId: string; userName?: string; checkedInAt: string | null }

export function RostersPage() {
  const t = useT();
  const communities = useFetch(() => api.get<CommunityRow[]>('/api/communities'), []);
  const [communityId, setCommunityId] = useState('');
  const [month, setMonth] = useState(shanghaiMonth(new Date()));
  // Proposed route: the API has no duty-roster endpoint yet (DutyShift exists in the schema).
  const shifts = useFetch(async () => asList<Shift>(await api.get<unknown>('/api/duty-shifts', { communityId, month }), 'shifts', 'items'), [communityId, month]);
  const names = new Map((communities.data ?? []).map((c) => [c.id, c.name]));
  return (
    <section aria-labelledby="roster-title">
      <h1 id="roster-title">{t('roster.title')}</h1>
      {rulebook.seasons.map((s) => <p key={s.id} className="muted">{t('roster.season', { name: s.name, start: s.start, end: s.end })}</p>)}
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="ro-community">{t('common.community')}</label>
        <select id="ro-community" value={communityId} onChange={(e) => setCommunityId(e.target.value)}>
          <option value="">{t('common.all')}</option>
          {(communities.data ?? []).map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </select>
        <label htmlFor="ro-month">{t('common.month')}</label>
        <input id="ro-month" type="month" value={month} onChange={(e) => setMonth(e.target.value)} />
      </form>
      <Load state={shifts} route="GET /api/duty-shifts">
        {(rows) => rows.length === 0 ? <p className="empty">{t('common.none')}</p> : (
          <table className="table">
            <thead><tr><th scope="col">{t('roster.date')}</th><th scope="col">{t('common.community')}</th><th scope="col">{t('roster.person')}</th><th scope="col">{t('roster.checkedIn')}</th></tr></thead>
            <tbody>{rows.map((s) => (
              <tr key={s.id}><td>{formatDate(s.dutyDate)}</td><td>{names.get(s.communityId) ?? '—'}</td><td>{s.userName ?? s.userId}</td>
                <td>{s.checkedInAt ? formatDateTime(s.checkedInAt) : <span className="warn">{t('roster.notCheckedIn')}</span>}</td></tr>
            ))}</tbody>
          </table>
        )}
      </Load>
    </section>
  );
}
