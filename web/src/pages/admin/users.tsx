// Communities and the accounts that work in them. Users are never deleted,
// only deactivated (their history stays attributable).
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { CommunityRow, Role, UserRow } from '../../api/types';
import { ErrorBox, Load } from '../../components/status';
import { useT } from '../../i18n';
import { useSession } from '../../lib/session';
import { useFetch } from '../../lib/use-fetch';

const ROLES: Role[] = ['STAFF', 'SECRETARY', 'AREA_LEADER', 'POLITICAL_LEGAL', 'ADMIN'];

export function UsersPage() {
  const t = useT();
  const { me } = useSession();
  const communities = useFetch(() => api.get<CommunityRow[]>('/api/communities'), []);
  const users = useFetch(() => (me.user.role === 'ADMIN' ? api.get<UserRow[]>('/api/users') : Promise.resolve(null)), [me.user.role]);
  const names = new Map((communities.data ?? []).map((c) => [c.id, c.name]));
  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">{t('nav.users')}</h1>
      <h2>{t('admin.communities')}</h2>
      <Load state={communities} route="GET /api/communities">
        {(list) => <ul className="chips">{list.map((c) => <li key={c.id}>{c.name} <span className="muted small">{c.code} · {t('admin.members', { count: c.memberCount })}</span></li>)}</ul>}
      </Load>
      {me.user.role === 'ADMIN' && (
        <>
          <h2>{t('admin.users')}</h2>
          <Load state={users} route="GET /api/users">
            {(list) => list && (
              <table className="table">
                <thead><tr><th scope="col">{t('admin.displayName')}</th><th scope="col">{t('admin.username')}</th><th scope="col">{t('admin.role')}</th>
                  <th scope="col">{t('admin.memberOf')}</th><th scope="col">{t('admin.mobile')}</th><th scope="col">{t('admin.active')}</th></tr></thead>
                <tbody>
                  {list.map((u) => (
                    <tr key={u.id}>
                      <th scope="row">{u.displayName}</th><td>{u.username}</td><td>{t(`role.${u.role}`)}</td>
                      <td>{u.communityIds.map((id) => names.get(id) ?? id).join('、') || '—'}</td><td>{u.mobile ?? '—'}</td>
                      <td>{u.active ? t('admin.activeYes') : t('admin.activeNo')}
                        {u.active && u.id !== me.user.id && <button type="button" className="link small" onClick={() => void api.post(`/api/users/${u.id}/deactivate`).then(users.reload)}>{t('admin.deactivate')}</button>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Load>
          {communities.data && <NewUserForm communities={communities.data} onCreated={users.reload} />}
        </>
      )}
    </section>
  );
}

function NewUserForm({ communities, onCreated }: { communities: CommunityRow[]; onCreated: () => void }) {
  const t = useT();
  const [form, setForm] = useState({ username: '', displayName: '', role: 'STAFF' as Role, password: '', mobile: '', communityIds: [] as string[] });
  const [error, setError] = useState<unknown>();
  const set = <K extends keyof typeof form>(k: K, v: (typeof form)[K]) => setForm((f) => ({ ...f, [k]: v }));
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      await api.post('/api/users', { ...form, mobile: form.mobile || undefined });
      setForm({ username: '', displayName: '', role: 'STAFF', password: '', mobile: '', communityIds: [] });
      onCreated();
    } catch (err) { setError(err); }
  }
  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="new-user">
      <h2 id="new-user">{t('admin.addUser')}</h2>
      <label htmlFor="nu-username">{t('admin.username')}</label>
      <input id="nu-username" required value={form.username} onChange={(e) => set('username', e.target.value)} autoComplete="off" />
      <label htmlFor="nu-name">{t('admin.displayName')}</label>
      <input id="nu-name" required value={form.displayName} onChange={(e) => set('displayName', e.target.value)} />
      <label htmlFor="nu-role">{t('admin.role')}</label>
      <select id="nu-role" value={form.role} onChange={(e) => set('role', e.target.value as Role)}>{ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}</select>
      <label htmlFor="nu-password">{t('admin.password')}</label>
      <input id="nu-password" type="password" required autoComplete="new-password" value={form.password} onChange={(e) => set('password', e.target.value)} />
      <label htmlFor="nu-mobile">{t('admin.mobile')}</label>
      <input id="nu-mobile" inputMode="tel" value={form.mobile} onChange={(e) => set('mobile', e.target.value)} />
      <fieldset>
        <legend>{t('admin.memberOf')}</legend>
        {communities.map((c) => (
          <label key={c.id} className="check"><input type="checkbox" checked={form.communityIds.includes(c.id)}
            onChange={(e) => set('communityIds', e.target.checked ? [...form.communityIds, c.id] : form.communityIds.filter((x) => x !== c.id))} /> {c.name}</label>
        ))}
      </fieldset>
      {error !== undefined && <ErrorBox error={error} route="POST /api/users" />}
      <button type="submit" className="primary">{t('admin.addUser')}</button>
    </form>
  );
}
