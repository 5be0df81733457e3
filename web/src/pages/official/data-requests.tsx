// Data requests (资料报送): the township office asks communities for a file by
// a deadline under one of the rulebook's reporting rules (chosen by title).
// Each community's part is a task in its 我的任务; the list below shows, per
// request, where each community stands and the deduction a miss produced.
// A community whose task could not be started yet (scheduler down) is shown
// as 未下发 with a button that starts what is missing.
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { CommunityRow, DataRequest, DataRequestCreated, DataRequestList, ReportingRules } from '../../api/types';
import { ErrorBox, Load } from '../../components/status';
import { useT, type MessageKey } from '../../i18n';
import { can, useSession } from '../../lib/session';
import { formatDateTime } from '../../lib/time';
import { useFetch } from '../../lib/use-fetch';

export function DataRequestsPage() {
  const t = useT();
  const { me } = useSession();
  const canSend = can(me, 'dataRequests.send');
  const requests = useFetch(() => api.get<DataRequestList>('/api/data-requests').then((r) => r.requests), []);
  return (
    <section aria-labelledby="dr-title">
      <h1 id="dr-title">{t('dr.title')}</h1>
      <p className="muted small">{t('dr.intro')}</p>
      {canSend && <RequestForm onSent={requests.reload} />}
      <h2>{t('dr.listTitle')}</h2>
      <Load state={requests} route="GET /api/data-requests">
        {(list) => <RequestList requests={list} canSend={canSend} onChanged={requests.reload} />}
      </Load>
    </section>
  );
}

/** Local date-time input value (yyyy-mm-ddThh:mm) -> ISO instant, read as Asia/Shanghai time. */
const shanghaiInstant = (local: string) => new Date(`${local}:00+08:00`).toISOString();

function RequestForm({ onSent }: { onSent: () => void }) {
  const t = useT();
  const communities = useFetch(() => api.get<CommunityRow[]>('/api/communities'), []);
  const rules = useFetch(() => api.get<ReportingRules>('/api/data-requests/rules').then((r) => r.rules), []);
  const [title, setTitle] = useState('');
  const [ruleId, setRuleId] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [dueAt, setDueAt] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string | null>(null);
  const rule = (rules.data ?? []).find((r) => r.id === ruleId) ?? rules.data?.[0];

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!rule) return;
    setBusy(true);
    setError(undefined);
    setDone(null);
    try {
      const res = await api.post<DataRequestCreated>('/api/data-requests', {
        title: title.trim(),
        ruleId: rule.id,
        communityIds: chosen,
        dueAt: shanghaiInstant(dueAt),
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      setDone(res.notStarted > 0 ? t('dr.sentPartly', { count: res.notStarted }) : t('dr.sent', { count: chosen.length }));
      setTitle('');
      setNote('');
      setChosen([]);
      onSent();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const toggle = (id: string) => setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));
  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)}>
      <label htmlFor="dr-name">{t('dr.name')}</label>
      <input id="dr-name" value={title} minLength={2} maxLength={100} onChange={(e) => setTitle(e.target.value)} required />
      <label htmlFor="dr-rule">{t('dr.rule')}</label>
      <select id="dr-rule" value={rule?.id ?? ''} onChange={(e) => setRuleId(e.target.value)}>
        {(rules.data ?? []).map((r) => (
          <option key={r.id} value={r.id}>
            {t('dr.ruleOption', { item: r.item, title: r.title, points: r.points })}
          </option>
        ))}
      </select>
      {rules.error !== undefined && <ErrorBox error={rules.error} route="GET /api/data-requests/rules" />}
      {rule && <blockquote className="clause small">{rule.clause}</blockquote>}
      <label htmlFor="dr-due">{t('dr.dueAt')}</label>
      <input id="dr-due" type="datetime-local" value={dueAt} onChange={(e) => setDueAt(e.target.value)} required />
      <fieldset>
        <legend>{t('dr.communities')}</legend>
        <Load state={communities} route="GET /api/communities">
          {(list) => (
            <>
              <button type="button" onClick={() => setChosen(chosen.length === list.length ? [] : list.map((c) => c.id))}>
                {t('dr.all')}
              </button>
              {list.map((c) => (
                <label key={c.id} className="check">
                  <input type="checkbox" checked={chosen.includes(c.id)} onChange={() => toggle(c.id)} /> {c.name}
                </label>
              ))}
            </>
          )}
        </Load>
      </fieldset>
      <label htmlFor="dr-note">{t('dr.note')}</label>
      <textarea id="dr-note" rows={3} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
      {error !== undefined && <ErrorBox error={error} route="POST /api/data-requests" />}
      {done && (
        <p className="ok" role="status">
          {done}
        </p>
      )}
      <button type="submit" disabled={busy || chosen.length === 0 || title.trim().length < 2 || !dueAt || !rule}>
        {t('dr.send')}
      </button>
    </form>
  );
}

function RequestList({ requests, canSend, onChanged }: { requests: DataRequest[]; canSend: boolean; onChanged: () => void }) {
  const t = useT();
  const [error, setError] = useState<unknown>();
  if (requests.length === 0) return <p className="muted">{t('dr.empty')}</p>;
  async function restart(id: string) {
    setError(undefined);
    try {
      await api.post(`/api/data-requests/${id}/start`, {});
      onChanged();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <>
      {error !== undefined && <ErrorBox error={error} route="POST /api/data-requests/:id/start" />}
      {requests.map((r) => (
        <article key={r.id} className="card" data-testid="data-request">
          <h3>{r.title}</h3>
          <p className="small">{t('dr.meta', { item: r.item, rule: r.ruleTitle, due: formatDateTime(r.dueAt), points: r.points })}</p>
          {r.note && <p className="small">{r.note}</p>}
          <table>
            <thead>
              <tr>
                <th>{t('common.community')}</th>
                <th>{t('dr.state')}</th>
                <th>{t('dr.deduction')}</th>
              </tr>
            </thead>
            <tbody>
              {r.communities.map((c) => (
                <tr key={c.communityId}>
                  <td>{c.taskId ? <a href={`#/tasks/${c.taskId}`}>{c.communityName}</a> : c.communityName}</td>
                  <td>
                    {c.status === 'NOT_STARTED'
                      ? t('dr.notStarted')
                      : c.status === 'SCHEDULED'
                        ? t('dr.scheduled')
                        : t(`status.${c.status}` as MessageKey)}
                  </td>
                  <td>
                    {c.deduction ? (
                      c.deduction.reversed ? (
                        t('inc.reversed', { points: c.deduction.points })
                      ) : (
                        <a href={`#/deductions/${c.deduction.id}`}>-{c.deduction.points}</a>
                      )
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {canSend && r.communities.some((c) => c.status === 'NOT_STARTED') && (
            <button type="button" onClick={() => void restart(r.id)}>
              {t('dr.restart')}
            </button>
          )}
        </article>
      ))}
    </>
  );
}
