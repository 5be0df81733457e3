// Session bootstrap and the route table. Staff pages are in the entry chunk
// (they are what a phone on a slow network opens); official and admin pages
// load on demand with React.lazy.
import { lazy, Suspense, useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, onUnauthorized, setCsrfToken, ApiError } from './api/client';
import type { Me } from './api/types';
import { Layout } from './components/layout';
import { ErrorBox, Forbidden, Loading } from './components/status';
import { useT } from './i18n';
import { match, navigate, useHashPath } from './lib/router';
import { can, canSeeCommunity, homePath, SessionContext, type Session } from './lib/session';
import { LoginPage } from './pages/login';
import { TaskListPage } from './pages/staff/task-list';
import { TaskDetailPage } from './pages/staff/task-detail';
import { CommunityScorePage } from './pages/staff/community-score';
import { SettingsPage } from './pages/settings';

const official = () => import('./pages/official');
const admin = () => import('./pages/admin');
const DashboardPage = lazy(() => official().then((m) => ({ default: m.DashboardPage })));
const EscalationsPage = lazy(() => official().then((m) => ({ default: m.EscalationsPage })));
const ReviewsPage = lazy(() => official().then((m) => ({ default: m.ReviewsPage })));
const DeductionsPage = lazy(() => official().then((m) => ({ default: m.DeductionsPage })));
const DeductionDetailPage = lazy(() => official().then((m) => ({ default: m.DeductionDetailPage })));
const IncidentsPage = lazy(() => official().then((m) => ({ default: m.IncidentsPage })));
const DataRequestsPage = lazy(() => official().then((m) => ({ default: m.DataRequestsPage })));
const AppealsPage = lazy(() => official().then((m) => ({ default: m.AppealsPage })));
const UsersPage = lazy(() => admin().then((m) => ({ default: m.UsersPage })));
const LedgersPage = lazy(() => admin().then((m) => ({ default: m.LedgersPage })));
const RostersPage = lazy(() => admin().then((m) => ({ default: m.RostersPage })));
const CalendarPage = lazy(() => admin().then((m) => ({ default: m.CalendarPage })));
const RulebookPage = lazy(() => admin().then((m) => ({ default: m.RulebookPage })));
const NotificationsPage = lazy(() => admin().then((m) => ({ default: m.NotificationsPage })));
const CommunityTagsPage = lazy(() => admin().then((m) => ({ default: m.CommunityTagsPage })));
const AuditPage = lazy(() => admin().then((m) => ({ default: m.AuditPage })));

type State = { kind: 'loading' } | { kind: 'anonymous' } | { kind: 'error'; error: unknown } | { kind: 'in'; me: Me };

export function App() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const path = useHashPath();

  const loadMe = useCallback(async () => {
    try {
      const me = await api.get<Me>('/api/auth/me');
      setCsrfToken(me.csrfToken);
      setState({ kind: 'in', me });
    } catch (error) {
      setState(error instanceof ApiError && error.status === 401 ? { kind: 'anonymous' } : { kind: 'error', error });
    }
  }, []);

  useEffect(() => {
    void loadMe();
  }, [loadMe]);
  useEffect(() => onUnauthorized(() => setState({ kind: 'anonymous' })), []);

  const logout = useCallback(async () => {
    try {
      await api.post('/api/auth/logout');
    } finally {
      setCsrfToken(null);
      setState({ kind: 'anonymous' });
      navigate('/');
    }
  }, []);

  if (state.kind === 'loading')
    return (
      <div className="shell">
        <Loading />
      </div>
    );
  if (state.kind === 'error')
    return (
      <div className="shell">
        <ErrorBox error={state.error} onRetry={() => void loadMe()} />
      </div>
    );
  if (state.kind === 'anonymous') return <LoginPage onLoggedIn={loadMe} />;

  const session: Session = { me: state.me, logout };
  return (
    <SessionContext.Provider value={session}>
      <Layout path={path}>
        <Suspense fallback={<Loading />}>
          <Routed path={path} me={state.me} />
        </Suspense>
      </Layout>
    </SessionContext.Provider>
  );
}

function Routed({ path, me }: { path: string; me: Me }): ReactNode {
  const t = useT();
  const official = can(me, 'oversight.read');
  const township = can(me, 'audit.read');
  let p: Record<string, string> | null;

  if (path === '/' || path === '') {
    navigate(homePath(me));
    return <Loading />;
  }
  if (match('/tasks', path)) return <TaskListPage />;
  if ((p = match('/tasks/:id', path))) return <TaskDetailPage id={p.id!} />;
  if ((p = match('/community/:id', path))) {
    // Scope is enforced by the API; this only turns a refusal into a clear sentence before any request.
    return canSeeCommunity(me, p.id!) ? <CommunityScorePage communityId={p.id!} /> : <Forbidden message={t('common.forbiddenCommunity')} />;
  }
  if ((p = match('/deductions/:id', path))) return <DeductionDetailPage id={p.id!} />;
  if (match('/ledgers', path)) return <LedgersPage />;
  if (match('/rulebook', path)) return <RulebookPage />;
  if (match('/admin/communities', path)) return can(me, 'communities.manage') ? <CommunityTagsPage /> : <Forbidden />;
  if (match('/settings', path)) return <SettingsPage />;
  if (match('/escalations', path)) return can(me, 'escalations.read') ? <EscalationsPage /> : <Forbidden />;

  const officialPages: Record<string, () => ReactNode> = {
    '/dashboard': () => <DashboardPage />,
    '/reviews': () => <ReviewsPage />,
    '/deductions': () => <DeductionsPage />,
    '/incidents': () => <IncidentsPage />,
    '/data-requests': () => <DataRequestsPage />,
    '/appeals': () => <AppealsPage />,
  };
  const bare = path.split('?')[0]!;
  const officialPage = officialPages[bare];
  // Secretaries review their own community's evidence.
  if (bare === '/reviews' && can(me, 'tasks.review')) return <ReviewsPage />;
  if (officialPage) return official ? officialPage() : <Forbidden />;

  const adminPages: Record<string, () => ReactNode> = {
    '/admin/users': () => <UsersPage />,
    '/admin/rosters': () => <RostersPage />,
    '/admin/calendar': () => <CalendarPage />,
    '/admin/notifications': () => <NotificationsPage />,
    '/audit': () => <AuditPage />,
  };
  // The roster API scopes a secretary to their own community.
  if (bare === '/admin/rosters' && can(me, 'dutyShifts.edit')) return <RostersPage />;
  const adminPage = adminPages[bare];
  if (adminPage) return township ? adminPage() : <Forbidden />;
  if (can(me, 'tasks.work') && path === '/score' && me.communities[0]) {
    navigate(`/community/${me.communities[0].id}`);
    return <Loading />;
  }
  return <p role="alert">{t('common.notFound')}</p>;
}
