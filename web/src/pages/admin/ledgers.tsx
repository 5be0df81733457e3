// Ledgers (台账) as the API returns them: ID numbers masked, sensitive details
// never listed. Full records are a separate, audited request, not made here.
import { useState } from 'react';
import { api, withQuery } from '../../api/client';
import type { CommunityRow, LedgerSubject } from '../../api/types';
import { Load } from '../../components/status';
import { useT, type MessageKey } from '../../i18n';
import { useFetch } from '../../lib/use-fetch';
import rulebook from 'virtual:rulebook';

const CATEGORY_NAMES = rulebook.categories;

export function LedgersPage() {
  const t = useT();
  const [communityId, setCommunityId] = useState('');
  const [category, setCategory] = useState('');
  const communities = useFetch(() => api.get<CommunityRow[]>('/api/communities'), []);
  const list = useFetch(() => api.get<LedgerSubject[]>('/api/ledgers', { communityId, category }), [communityId, category]);
  const names = new Map((communities.data ?? []).map((c) => [c.id, c.name]));
  return (
    <section aria-labelledby="ledger-title">
      <div className="title-row">
        <h1 id="ledger-title">{t('nav.ledgers')}</h1>
        <a className="button" href={withQuery('/api/ledgers/export', { communityId, category })} download>{t('ledger.export')}</a>
      </div>
      <p className="muted small">{t('ledger.masked')} · {rulebook.title}</p>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="lg-community">{t('common.community')}</label>
        <select id="lg-community" value={communityId} onChange={(e) => setCommunityId(e.target.value)}>
          <option value="">{t('common.all')}</option>
          {(communities.data ?? []).map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </select>
        <label htmlFor="lg-category">{t('ledger.category')}</label>
        <select id="lg-category" value={category} onChange={(e) => setCategory(e.target.value)}>
          <option value="">{t('common.all')}</option>
          {Object.entries(CATEGORY_NAMES).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
        </select>
      </form>
      <Load state={list} route="GET /api/ledgers">
        {(rows) => rows.length === 0 ? <p className="empty">{t('ledger.empty')}</p> : (
          <table className="table">
            <thead><tr><th scope="col">{t('ledger.name')}</th><th scope="col">{t('ledger.category')}</th><th scope="col">{t('common.community')}</th>
              <th scope="col">{t('ledger.idNumber')}</th><th scope="col">{t('ledger.risk')}</th><th scope="col">{t('ledger.letters')}</th></tr></thead>
            <tbody>
              {rows.map((s) => (
                <tr key={s.id}>
                  <th scope="row">{s.displayName}</th><td>{CATEGORY_NAMES[s.category] ?? s.category}</td><td>{names.get(s.communityId) ?? '—'}</td>
                  <td className="mono">{s.idNumberMasked ?? '—'}</td><td>{s.riskLevel ? t(`ledger.risk.${s.riskLevel}` as MessageKey) : '—'}</td>
                  <td>{[s.guardianLetter && t('ledger.guardianLetter'), s.responsibilityLetter && t('ledger.responsibilityLetter')].filter(Boolean).join('、') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Load>
    </section>
  );
}
