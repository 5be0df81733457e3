// Page frame: a skip link, the header with who is logged in, and the nav for
// the user's role. Staff get three links that fit a 360px phone; officials
// and admins get the desktop set.
import type { ReactNode } from 'react';
import { useI18n, type MessageKey } from '../i18n';
import { can, useSession } from '../lib/session';
import type { Me } from '../api/types';

interface NavItem {
  path: string;
  label: MessageKey;
}

export function navFor(me: Pick<Me, 'permissions'>, firstCommunityId: string | undefined): NavItem[] {
  const items: NavItem[] = [];
  if (can(me, 'tasks.work')) {
    items.push({ path: '/tasks', label: 'nav.tasks' });
    if (firstCommunityId) items.push({ path: `/community/${firstCommunityId}`, label: 'nav.score' });
    // Secretaries assign their community's work, flood-duty days included.
    if (can(me, 'escalations.read')) items.push({ path: '/escalations', label: 'nav.escalations' });
    if (can(me, 'dutyShifts.edit')) items.push({ path: '/admin/rosters', label: 'nav.rosters' });
    // Secretaries also review their own community's evidence (the API scopes the queue).
    if (can(me, 'tasks.review')) items.push({ path: '/reviews', label: 'nav.reviews' });
    items.push({ path: '/ledgers', label: 'nav.ledgers' });
  }
  if (can(me, 'oversight.read')) {
    items.push(
      { path: '/dashboard', label: 'nav.dashboard' },
      { path: '/escalations', label: 'nav.escalations' },
      { path: '/reviews', label: 'nav.reviews' },
      { path: '/deductions', label: 'nav.deductions' },
      { path: '/incidents', label: 'nav.incidents' },
      { path: '/data-requests', label: 'nav.dataRequests' },
      { path: '/appeals', label: 'nav.appeals' },
      { path: '/ledgers', label: 'nav.ledgers' },
    );
  }
  if (can(me, 'audit.read')) {
    items.push(
      { path: '/admin/users', label: 'nav.users' },
      { path: '/admin/rosters', label: 'nav.rosters' },
      { path: '/admin/calendar', label: 'nav.calendar' },
      { path: '/admin/notifications', label: 'nav.notifications' },
      { path: '/audit', label: 'nav.audit' },
    );
  }
  if (can(me, 'communities.manage')) items.push({ path: '/admin/communities', label: 'nav.communityTags' });
  items.push({ path: '/rulebook', label: 'nav.rulebook' });
  items.push({ path: '/settings', label: 'nav.settings' });
  return items;
}

export function Layout({ path, children }: { path: string; children: ReactNode }) {
  const { me, logout } = useSession();
  const { t, lang, setLang } = useI18n();
  const items = navFor(me, me.communities[0]?.id);
  const wide = !can(me, 'tasks.work');
  return (
    <div className={wide ? 'shell shell-wide' : 'shell'}>
      <a
        className="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        {t('app.skip')}
      </a>
      <header className="topbar">
        <div className="brand">
          <strong>{t('app.name')}</strong>
          <span className="muted brand-sub">{t('app.subtitle')}</span>
        </div>
        <div className="who">
          <span className="who-name">{me.user.displayName}</span>
          <span className="muted">{t(`role.${me.user.role}`)}</span>
          <button type="button" className="link" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>
            {t('app.lang')}
          </button>
          <button type="button" className="link" onClick={() => void logout()}>
            {t('nav.logout')}
          </button>
        </div>
      </header>
      <nav aria-label={t('nav.main')} className="nav">
        {items.map((item) => {
          const active = path === item.path || path.startsWith(item.path + '/');
          return (
            <a key={item.path} href={`#${item.path}`} aria-current={active ? 'page' : undefined}>
              {t(item.label)}
            </a>
          );
        })}
      </nav>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
