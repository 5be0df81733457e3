// The audit log for admin and 政法委员: who did what, when, about which
// community. Actions, entities and system actors are shown in words; the
// filters go to the API (GET /api/audit), which scopes rows to the township.
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { AuditRecord as AuditRow } from '../../api/types';
import { AUDIT_ACTIONS, SYSTEM_ACTORS } from '../../../../domain/audit-actions';
import { Load } from '../../components/status';
import { useT } from '../../i18n';
import { codeLabel } from '../../lib/labels';
import { useSession } from '../../lib/session';
import { formatDateTime } from '../../lib/time';
import { useFetch } from '../../lib/use-fetch';

/** "2026-11-30" in Shanghai → the instant that day starts (+08:00). */
const dayStart = (day: string) => (day ? `${day}T00:00:00+08:00` : '');
const nextDayStart = (day: string) => (day ? new Date(Date.parse(`${day}T00:00:00+08:00`) + 86_400_000).toISOString() : '');

export function AuditPage() {
  const t = useT();
  const { me } = useSession();
  const [actorId, setActorId] = useState('');
  const [action, setAction] = useState('');
  const [communityId, setCommunityId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const state = useFetch(
    () => api.get<AuditRow[]>('/api/audit', { actorId, action, communityId, from: dayStart(from), to: nextDayStart(to), limit: 200 }),
    [actorId, action, communityId, from, to],
  );
  // Actors to pick from: everyone seen in the log so far, and the system actors.
  const [seen, setSeen] = useState(new Map<string, string>());
  const rows = state.data;
  useEffect(() => {
    if (!rows) return;
    const added = rows.filter((r) => r.actorId && r.actorName && !seen.has(r.actorId));
    if (added.length) setSeen((m) => new Map([...m, ...added.map((r) => [r.actorId!, r.actorName!] as const)]));
  }, [rows, seen]);
  const actorName = (r: AuditRow) => r.actorName ?? t('audit.unknownActor');

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t('audit.title')}</h1>
      <p className="muted small">{t('audit.note')}</p>
      <div className="filters">
        <label htmlFor="audit-actor">{t('audit.actor')}</label>
        <select id="audit-actor" value={actorId} onChange={(e) => setActorId(e.target.value)}>
          <option value="">{t('common.all')}</option>
          {[...new Map([...seen, ...Object.entries(SYSTEM_ACTORS)])].map(([id, name]) => (
            <option key={id} value={id}>
              {name}
            </option>
          ))}
        </select>
        <label htmlFor="audit-action">{t('audit.action')}</label>
        <select id="audit-action" value={action} onChange={(e) => setAction(e.target.value)}>
          <option value="">{t('common.all')}</option>
          {AUDIT_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {codeLabel(t, 'audit.action.', a, t('audit.otherAction'))}
            </option>
          ))}
        </select>
        <label htmlFor="audit-community">{t('common.community')}</label>
        <select id="audit-community" value={communityId} onChange={(e) => setCommunityId(e.target.value)}>
          <option value="">{t('common.all')}</option>
          {me.communities.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <label htmlFor="audit-from">{t('audit.from')}</label>
        <input id="audit-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        <label htmlFor="audit-to">{t('audit.to')}</label>
        <input id="audit-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
      </div>
      <Load state={state} route="GET /api/audit">
        {(list) =>
          list.length === 0 ? (
            <p className="empty">{t('audit.empty')}</p>
          ) : (
            <table className="table" data-testid="audit-log">
              <thead>
                <tr>
                  <th scope="col">{t('audit.time')}</th>
                  <th scope="col">{t('audit.actor')}</th>
                  <th scope="col">{t('audit.action')}</th>
                  <th scope="col">{t('audit.what')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((r) => (
                  <tr key={r.id}>
                    <td>{formatDateTime(r.at)}</td>
                    <td>{actorName(r)}</td>
                    <td>{codeLabel(t, 'audit.action.', r.action, t('audit.otherAction'))}</td>
                    <td>
                      {codeLabel(t, 'audit.entity.', r.entity, t('audit.otherEntity'))}
                      {detailText(r.details) && `：${detailText(r.details)}`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Load>
    </section>
  );
}

/** The part of the details a person wrote (a reason, a name); codes and ids stay out of the table. */
function detailText(details: unknown): string {
  if (!details || typeof details !== 'object') return '';
  const d = details as Record<string, unknown>;
  for (const key of ['reason', 'decisionReason', 'displayName', 'name', 'title'])
    if (typeof d[key] === 'string' && d[key]) return d[key] as string;
  return '';
}
