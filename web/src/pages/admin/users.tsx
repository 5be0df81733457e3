// Communities and the accounts that work in them. Users are never deleted,
// only deactivated (their history stays attributable).
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { CommunityRow, Role, UserRow, UserSaved } from '../../api/types';
import { ErrorBox, Load } from '../../components/status';
import { useT } from '../../i18n';
import { can, useSession } from '../../lib/session';
import { ROLES } from '../../../../domain/policy';
import { useFetch } from '../../lib/use-fetch';

export function UsersPage() {
  const t = useT();
  const { me } = useSession();
  const communities = useFetch(() => api.get<CommunityRow[]>('/api/communities'), []);
  const users = useFetch(() => (can(me, 'users.manage') ? api.get<UserRow[]>('/api/users') : Promise.resolve(null)), [me.user.role]);
  const names = new Map((communities.data ?? []).map((c) => [c.id, c.name]));
  const [message, setMessage] = useState('');
  const [editing, setEditing] = useState<UserRow | null>(null);
  // After any change both lists reload, so head-counts stay true.
  const changed = (text: string) => {
    setMessage(text);
    setEditing(null);
    users.reload();
    communities.reload();
  };
  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">{t('nav.users')}</h1>
      <h2>{t('admin.communities')}</h2>
      <Load state={communities} route="GET /api/communities">
        {(list) => (
          <ul className="chips">
            {list.map((c) => (
              <li key={c.id}>
                {c.name} <span className="muted small">{t('admin.members', { count: c.memberCount })}</span>
              </li>
            ))}
          </ul>
        )}
      </Load>
      {can(me, 'users.manage') && (
        <>
          <h2>{t('admin.users')}</h2>
          {message && (
            <p className="notice small" role="status" data-testid="users-message">
              {message}
            </p>
          )}
          <Load state={users} route="GET /api/users">
            {(list) =>
              list && (
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">{t('admin.displayName')}</th>
                      <th scope="col">{t('admin.username')}</th>
                      <th scope="col">{t('admin.role')}</th>
                      <th scope="col">{t('admin.memberOf')}</th>
                      <th scope="col">{t('admin.mobile')}</th>
                      <th scope="col">{t('admin.active')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((u) => (
                      <tr key={u.id}>
                        <th scope="row">{u.displayName}</th>
                        <td>{u.username}</td>
                        <td>{t(`role.${u.role}`)}</td>
                        <td>{u.communityIds.map((id) => names.get(id) ?? id).join('、') || '—'}</td>
                        <td>{u.mobile ?? '—'}</td>
                        <td>
                          {u.active ? t('admin.activeYes') : t('admin.activeNo')}{' '}
                          <button
                            type="button"
                            className="link small"
                            onClick={() => {
                              setMessage('');
                              setEditing(u);
                            }}
                          >
                            {t('admin.edit')}
                          </button>
                          {u.id !== me.user.id &&
                            (u.active ? (
                              <Confirm
                                label={t('admin.deactivate')}
                                question={t('admin.confirmDeactivate', { name: u.displayName })}
                                onConfirm={() =>
                                  api
                                    .post(`/api/users/${u.id}/deactivate`)
                                    .then(() => changed(t('admin.deactivated', { name: u.displayName })))
                                }
                              />
                            ) : (
                              <Confirm
                                label={t('admin.reactivate')}
                                question={t('admin.confirmReactivate', { name: u.displayName })}
                                onConfirm={() =>
                                  api
                                    .patch(`/api/users/${u.id}`, { active: true })
                                    .then(() => changed(t('admin.reactivated', { name: u.displayName })))
                                }
                              />
                            ))}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )
            }
          </Load>
          {editing && communities.data && (
            <EditUserForm
              key={editing.id}
              user={editing}
              communities={communities.data}
              onDone={changed}
              onCancel={() => setEditing(null)}
            />
          )}
          {communities.data && <NewUserForm communities={communities.data} onCreated={(name) => changed(t('admin.created', { name }))} />}
        </>
      )}
    </section>
  );
}

/** A button that asks before it acts, in the page (no browser dialog), and shows a refusal where it happened. */
function Confirm({ label, question, onConfirm }: { label: string; question: string; onConfirm: () => Promise<unknown> }) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<unknown>();
  if (!asking)
    return (
      <button type="button" className="link small" onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span className="small">{question}</span>{' '}
      <button
        type="button"
        className="small danger"
        onClick={() => {
          onConfirm().catch(setError);
        }}
      >
        {t('admin.confirm')}
      </button>{' '}
      <button type="button" className="link small" onClick={() => setAsking(false)}>
        {t('common.cancel')}
      </button>
      {error !== undefined && <ErrorBox error={error} />}
    </span>
  );
}

/** The communities a user belongs to, one checkbox each (the add and edit forms). */
function MembershipField({
  communities,
  chosen,
  onChange,
}: {
  communities: CommunityRow[];
  chosen: string[];
  onChange: (ids: string[]) => void;
}) {
  const t = useT();
  return (
    <fieldset>
      <legend>{t('admin.memberOf')}</legend>
      {communities.map((c) => (
        <label key={c.id} className="check">
          <input
            type="checkbox"
            checked={chosen.includes(c.id)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, c.id] : chosen.filter((x) => x !== c.id))}
          />{' '}
          {c.name}
        </label>
      ))}
    </fieldset>
  );
}

/** Name, role, mobile and communities of one user, and a password reset. Role rules are the API's (user-service). */
function EditUserForm({
  user,
  communities,
  onDone,
  onCancel,
}: {
  user: UserRow;
  communities: CommunityRow[];
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const t = useT();
  const [form, setForm] = useState({
    displayName: user.displayName,
    role: user.role,
    mobile: user.mobile ?? '',
    communityIds: user.communityIds,
  });
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const set = <K extends keyof typeof form>(k: K, v: (typeof form)[K]) => setForm((f) => ({ ...f, [k]: v }));
  async function save(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      const saved = await api.patch<UserSaved>(`/api/users/${user.id}`, {
        ...form,
        mobile: form.mobile || null,
        ...(form.role === user.role ? { role: undefined } : {}),
      });
      onDone(t(saved.pendingGrantId ? 'admin.savedGrantPending' : 'admin.saved', { name: form.displayName }));
    } catch (err) {
      setError(err);
    }
  }
  async function reset() {
    setError(undefined);
    try {
      await api.post(`/api/users/${user.id}/password`, { password });
      onDone(t('admin.passwordReset', { name: user.displayName }));
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form className="card form-grid" onSubmit={(e) => void save(e)} aria-labelledby="edit-user">
      <h2 id="edit-user">{t('admin.editUser', { name: user.displayName })}</h2>
      <label htmlFor="eu-name">{t('admin.displayName')}</label>
      <input id="eu-name" required value={form.displayName} onChange={(e) => set('displayName', e.target.value)} />
      <label htmlFor="eu-role">{t('admin.role')}</label>
      <select id="eu-role" value={form.role} onChange={(e) => set('role', e.target.value as Role)}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {t(`role.${r}`)}
          </option>
        ))}
      </select>
      {form.role !== user.role && <p className="muted small">{t('admin.roleChangeNote')}</p>}
      <label htmlFor="eu-mobile">{t('admin.mobile')}</label>
      <input id="eu-mobile" inputMode="tel" value={form.mobile} onChange={(e) => set('mobile', e.target.value)} />
      <MembershipField communities={communities} chosen={form.communityIds} onChange={(ids) => set('communityIds', ids)} />
      <div className="actions">
        <button type="submit" className="primary">
          {t('common.save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
      <label htmlFor="eu-password">{t('admin.newPassword')}</label>
      <input id="eu-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      <button type="button" disabled={password.length === 0} onClick={() => void reset()}>
        {t('admin.resetPassword')}
      </button>
      {error !== undefined && <ErrorBox error={error} route="PATCH /api/users/:id" />}
    </form>
  );
}

function NewUserForm({ communities, onCreated }: { communities: CommunityRow[]; onCreated: (name: string) => void }) {
  const t = useT();
  const [form, setForm] = useState({
    username: '',
    displayName: '',
    role: 'STAFF' as Role,
    password: '',
    mobile: '',
    communityIds: [] as string[],
  });
  const [error, setError] = useState<unknown>();
  const set = <K extends keyof typeof form>(k: K, v: (typeof form)[K]) => setForm((f) => ({ ...f, [k]: v }));
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    try {
      await api.post('/api/users', { ...form, mobile: form.mobile || undefined });
      setForm({ username: '', displayName: '', role: 'STAFF', password: '', mobile: '', communityIds: [] });
      onCreated(form.displayName);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="new-user">
      <h2 id="new-user">{t('admin.addUser')}</h2>
      <label htmlFor="nu-username">{t('admin.username')}</label>
      <input id="nu-username" required value={form.username} onChange={(e) => set('username', e.target.value)} autoComplete="off" />
      <label htmlFor="nu-name">{t('admin.displayName')}</label>
      <input id="nu-name" required value={form.displayName} onChange={(e) => set('displayName', e.target.value)} />
      <label htmlFor="nu-role">{t('admin.role')}</label>
      <select id="nu-role" value={form.role} onChange={(e) => set('role', e.target.value as Role)}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {t(`role.${r}`)}
          </option>
        ))}
      </select>
      <label htmlFor="nu-password">{t('admin.password')}</label>
      <input
        id="nu-password"
        type="password"
        required
        autoComplete="new-password"
        value={form.password}
        onChange={(e) => set('password', e.target.value)}
      />
      <label htmlFor="nu-mobile">{t('admin.mobile')}</label>
      <input id="nu-mobile" inputMode="tel" value={form.mobile} onChange={(e) => set('mobile', e.target.value)} />
      <MembershipField communities={communities} chosen={form.communityIds} onChange={(ids) => set('communityIds', ids)} />
      {error !== undefined && <ErrorBox error={error} route="POST /api/users" />}
      <button type="submit" className="primary">
        {t('admin.addUser')}
      </button>
    </form>
  );
}
