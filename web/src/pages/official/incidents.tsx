// Incident deductions (petitions, accidents, notices) are recorded by hand by
// officials. The rule list comes from the rulebook so section, item and points
// match the rubric; the idempotency key stops a double click from deducting twice.
import { useMemo, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { CommunityRow, Deduction } from '../../api/types';
import { ErrorBox, Load } from '../../components/status';
import { useT } from '../../i18n';
import { shanghaiDay } from '../../lib/time';
import { useFetch } from '../../lib/use-fetch';
import rulebook from 'virtual:rulebook';

const incidentRules = rulebook.rules.filter((r) => r.kind === 'incident' || r.kind === 'reporting');

export function IncidentsPage() {
  const t = useT();
  const communities = useFetch(() => api.get<CommunityRow[]>('/api/communities'), []);
  return (
    <section aria-labelledby="inc-title">
      <h1 id="inc-title">{t('inc.title')}</h1>
      <Load state={communities} route="GET /api/communities">{(list) => <IncidentForm communities={list} />}</Load>
    </section>
  );
}

function IncidentForm({ communities }: { communities: CommunityRow[] }) {
  const t = useT();
  const [communityId, setCommunityId] = useState(communities[0]?.id ?? '');
  const [ruleId, setRuleId] = useState(incidentRules[0]?.id ?? '');
  const rule = useMemo(() => incidentRules.find((r) => r.id === ruleId), [ruleId]);
  const [points, setPoints] = useState(String(incidentRules[0]?.amount ?? 1));
  const [occurredOn, setOccurredOn] = useState(shanghaiDay(new Date()));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string | null>(null);
  // One key per form fill: a retried or double-submitted form records once (the API answers 200 the second time).
  const [key, setKey] = useState(() => crypto.randomUUID());

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!rule) return;
    setBusy(true); setError(undefined); setDone(null);
    try {
      const d = await api.post<Deduction>('/api/incidents', {
        communityId, ruleId, section: rule.section, item: rule.item, points: Number(points), reason: reason.trim(), occurredOn, idempotencyKey: key,
      });
      setDone(t('inc.recorded', { community: communities.find((c) => c.id === communityId)?.name ?? '', item: d.item, points: d.points }));
      setReason('');
      setKey(crypto.randomUUID());
    } catch (err) { setError(err); } finally { setBusy(false); }
  }

  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)}>
      <label htmlFor="inc-community">{t('common.community')}</label>
      <select id="inc-community" value={communityId} onChange={(e) => setCommunityId(e.target.value)} required>
        {communities.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
      </select>
      <label htmlFor="inc-rule">{t('inc.rule')}</label>
      <select id="inc-rule" value={ruleId} onChange={(e) => { setRuleId(e.target.value); setPoints(String(incidentRules.find((r) => r.id === e.target.value)?.amount ?? 1)); }}>
        {incidentRules.map((r) => <option key={r.id} value={r.id}>{r.section}. {r.item} · {r.title}</option>)}
      </select>
      {rule && <blockquote className="clause small">{rule.clause}</blockquote>}
      <label htmlFor="inc-points">{t('inc.points')}</label>
      <input id="inc-points" type="number" min={0.5} max={10} step={0.5} value={points} onChange={(e) => setPoints(e.target.value)} required />
      <label htmlFor="inc-date">{t('inc.occurredOn')}</label>
      <input id="inc-date" type="date" value={occurredOn} onChange={(e) => setOccurredOn(e.target.value)} required />
      <label htmlFor="inc-reason">{t('inc.reason')}</label>
      <textarea id="inc-reason" rows={3} minLength={2} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} required />
      {error !== undefined && <ErrorBox error={error} route="POST /api/incidents" />}
      {done && <p className="ok" role="status">{done}</p>}
      <button type="submit" className="danger" disabled={busy || reason.trim().length < 2}>{t('inc.record')}</button>
    </form>
  );
}
