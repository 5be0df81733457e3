// What was sent to whom on which channel, and what failed: the delivery log
// officials check when a community says "nobody told us".
import { api } from '../../api/client';
import type { NotificationRow } from '../../api/types';
import { Load } from '../../components/status';
import { useT } from '../../i18n';
import { asList } from '../../lib/list';
import { formatDateTime } from '../../lib/time';
import { useFetch } from '../../lib/use-fetch';

export function NotificationsPage() {
  const t = useT();
  const log = useFetch(async () => asList<NotificationRow>(await api.get<unknown>('/api/notifications'), 'notifications', 'items'), []);
  return (
    <section aria-labelledby="notif-title">
      <h1 id="notif-title">{t('notif.title')}</h1>
      <h2>{t('notif.settings')}</h2>
      <p className="muted">{t('notif.settingsNote')}</p>
      <h2>{t('notif.title')}</h2>
      <Load state={log} route="GET /api/notifications">
        {(rows) => rows.length === 0 ? <p className="empty">{t('notif.empty')}</p> : (
          <table className="table">
            <thead><tr><th scope="col">{t('notif.time')}</th><th scope="col">{t('notif.channel')}</th><th scope="col">{t('notif.recipient')}</th>
              <th scope="col">{t('notif.event')}</th><th scope="col">{t('notif.status')}</th><th scope="col">{t('notif.attempts')}</th></tr></thead>
            <tbody>{rows.map((n) => (
              <tr key={n.id}><td>{formatDateTime(n.createdAt)}</td><td>{n.channel}</td><td>{n.recipient}</td><td>{n.subject ?? n.event}</td>
                <td className={n.status === 'FAILED' || n.status === 'GIVEN_UP' ? 'warn' : ''}>{n.status}{n.lastError ? `：${n.lastError}` : ''}</td><td className="num">{n.attempts}</td></tr>
            ))}</tbody>
          </table>
        )}
      </Load>
    </section>
  );
}
