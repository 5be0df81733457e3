// Overdue tasks climbing the chain (secretary -> area leader -> 政法委员)
// until someone acknowledges; acknowledging stops the repeat notifications.
import { useState } from 'react';
import { api } from '../../api/client';
import type { Escalation, Escalations } from '../../api/types';
import { ErrorBox, Load } from '../../components/status';
import { Countdown, useNow } from '../../components/widgets';
import { useT } from '../../i18n';
import { formatDateTime } from '../../lib/time';
import { useFetch } from '../../lib/use-fetch';

export function EscalationsPage() {
  const t = useT();
  const state = useFetch(async () => (await api.get<Escalations>('/api/escalations')).escalations, []);
  return (
    <section aria-labelledby="esc-title">
      <h1 id="esc-title">{t('esc.title')}</h1>
      <Load state={state} route="GET /api/escalations">
        {(list) =>
          list.length === 0 ? (
            <p className="empty">{t('esc.empty')}</p>
          ) : (
            <ul className="cards">
              {list.map((e) => (
                <EscalationCard key={`${e.taskId}-${e.level}`} e={e} onAck={state.reload} />
              ))}
            </ul>
          )
        }
      </Load>
    </section>
  );
}

function EscalationCard({ e, onAck }: { e: Escalation; onAck: () => void }) {
  const t = useT();
  const now = useNow();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  async function ack() {
    setBusy(true);
    try {
      await api.post(`/api/escalations/${encodeURIComponent(e.taskId)}/acknowledge`);
      onAck();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <li className="card">
      <h2 className="card-title">
        <a href={`#/tasks/${e.taskId}`}>{e.title}</a>
      </h2>
      <p>
        {e.communityName} · <Countdown dueAt={e.dueAt} now={now} />
      </p>
      <p className="muted small">
        {e.kind === 'review' ? t('esc.review') : t('esc.level', { level: e.level, role: t(`role.${e.targetRole}`) })} ·{' '}
        {t('esc.notified', { time: formatDateTime(e.notifiedAt) })}
      </p>
      {error !== undefined && <ErrorBox error={error} route="POST /api/escalations/:taskId/acknowledge" />}
      {/* Unreviewed evidence is cleared by reviewing it, not by acknowledging. */}
      {e.kind === 'review' ? (
        <a className="button primary" href="#/reviews">
          {t('esc.goReview')}
        </a>
      ) : e.acknowledgedAt ? (
        <p className="ok">
          {t('esc.acked')} {formatDateTime(e.acknowledgedAt)}
        </p>
      ) : (
        <button type="button" className="primary" disabled={busy} onClick={() => void ack()}>
          {t('esc.ack')}
        </button>
      )}
    </li>
  );
}
