// What was sent to whom on which channel, and what failed: the delivery log
// officials check when a community says "nobody told us". Above it, which
// channels are on (SMS and robots are off until configured, and the page says
// so), and for the admin the mail the local capture of `npm start` received.
import { useState } from 'react';
import { api } from '../../api/client';
import type { CapturedMail, DeliveryLog, MailMessage, NotificationChannels, NotificationRow } from '../../api/types';
import { Load } from '../../components/status';
import { useT } from '../../i18n';
import { can, useSession } from '../../lib/session';
import { formatDateTime } from '../../lib/time';
import { codeLabel } from '../../lib/labels';
import { useFetch } from '../../lib/use-fetch';

export function NotificationsPage() {
  const t = useT();
  const { me } = useSession();
  const channels = useFetch(() => api.get<NotificationChannels>('/api/notifications/channels'), []);
  const log = useFetch(async () => (await api.get<DeliveryLog>('/api/notifications')).notifications, []);
  return (
    <section aria-labelledby="notif-title">
      <h1 id="notif-title">{t('notif.title')}</h1>
      <h2>{t('notif.channels')}</h2>
      <Load state={channels} route="GET /api/notifications/channels">
        {({ channels: list, mailCapture }) => (
          <>
            <ul className="plain-list" data-testid="channel-status">
              {list.map((c) => (
                <li key={c.channel} className={c.configured ? '' : 'notice notice-missing'}>
                  <strong>{t(`notif.channel.${c.channel}`)}</strong>：{c.configured ? t('notif.on') : t('notif.off')}{' '}
                  <span className="muted">{c.notice}</span>
                </li>
              ))}
            </ul>
            <p className="muted">{t('notif.settingsNote')}</p>
            {mailCapture && can(me, 'notifications.manage') ? <CapturedMailList /> : null}
          </>
        )}
      </Load>
      <h2>{t('notif.log')}</h2>
      <Load state={log} route="GET /api/notifications">
        {(rows) =>
          rows.length === 0 ? (
            <p className="empty">{t('notif.empty')}</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('notif.time')}</th>
                  <th scope="col">{t('notif.channel')}</th>
                  <th scope="col">{t('notif.recipient')}</th>
                  <th scope="col">{t('notif.event')}</th>
                  <th scope="col">{t('notif.status')}</th>
                  <th scope="col">{t('notif.attempts')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((n) => (
                  <tr key={n.id}>
                    <td>{formatDateTime(n.createdAt)}</td>
                    <td>{codeLabel(t, 'notif.channel.', n.channel, t('notif.channelOther'))}</td>
                    <td>{n.userName ?? n.recipient}</td>
                    <td>{n.subject ?? codeLabel(t, 'notif.eventName.', n.event, t('notif.eventOther'))}</td>
                    {/* The provider's own error text is often English: kept for the hover, summarised in Chinese. */}
                    <td
                      className={n.status === 'FAILED' || n.status === 'GIVEN_UP' || n.status === 'IN_DOUBT' ? 'warn' : ''}
                      title={n.lastError ?? undefined}
                    >
                      {statusLabel(n, t)}
                      {n.lastError ? t('notif.hasError') : ''}
                    </td>
                    <td className="num">{n.attempts}</td>
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

/** Held rows wait for a later message (the digest, an escalation batch); the rest are sends. */
function statusLabel(n: NotificationRow, t: ReturnType<typeof useT>): string {
  if (n.status === 'QUEUED' && n.channel === 'digest') return t('notif.status.HELD_DIGEST');
  if (n.status === 'QUEUED' && n.channel === 'escalation-batch') return t('notif.status.HELD_BATCH');
  if (n.status === 'SENT' && n.deliveredAt) return t('notif.status.DELIVERED');
  return t(`notif.status.${n.status}`);
}

/** Mail the local capture received (npm start without SMTP): nothing here was delivered to anyone. */
function CapturedMailList() {
  const t = useT();
  const mail = useFetch(() => api.get<CapturedMail>('/api/notifications/mail'), []);
  const [open, setOpen] = useState<string | null>(null);
  const message = useFetch(async () => (open ? api.get<MailMessage>(`/api/notifications/mail/${encodeURIComponent(open)}`) : null), [open]);
  return (
    <>
      <h2>{t('notif.captured')}</h2>
      <p className="muted">{t('notif.capturedNote')}</p>
      <Load state={mail} route="GET /api/notifications/mail">
        {({ mail: list }) =>
          list.length === 0 ? (
            <p className="empty">{t('notif.capturedEmpty')}</p>
          ) : (
            <table className="table" data-testid="captured-mail">
              <thead>
                <tr>
                  <th scope="col">{t('notif.time')}</th>
                  <th scope="col">{t('notif.recipient')}</th>
                  <th scope="col">{t('notif.subject')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((m) => (
                  <tr key={m.id}>
                    <td>{formatDateTime(m.receivedAt)}</td>
                    <td>{m.to}</td>
                    <td>
                      <button
                        type="button"
                        className="link"
                        aria-expanded={open === m.id}
                        onClick={() => setOpen(open === m.id ? null : m.id)}
                      >
                        {m.subject || t('notif.noSubject')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Load>
      {open ? (
        <Load state={message} route="GET /api/notifications/mail/:id">
          {(m) =>
            m ? (
              <pre
                style={{ whiteSpace: 'pre-wrap' }}
                aria-label={m.subject}
              >{`${t('notif.recipient')}：${m.to}\n${t('notif.subject')}：${m.subject}\n\n${m.text}`}</pre>
            ) : null
          }
        </Load>
      ) : null}
    </>
  );
}
