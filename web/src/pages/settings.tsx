// "My settings" for every role: contact details, how duban reaches me
// (first choice, opt-outs, daily digest) and a password change. The API
// refuses settings that would leave reminders undeliverable; its reason is shown.
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Medium, Settings } from '../api/types';
import { failureText, Load } from '../components/status';
import { useT } from '../i18n';
import type { MessageKey } from '../i18n/zh-CN';
import { can, useSession } from '../lib/session';
import { useFetch } from '../lib/use-fetch';

const MEDIA: Medium[] = ['robot', 'sms', 'email'];
const MEDIUM_LABEL: Record<Medium, MessageKey> = {
  robot: 'settings.medium.robot',
  sms: 'settings.medium.sms',
  email: 'settings.medium.email',
};

export function SettingsPage() {
  const t = useT();
  const settings = useFetch(() => api.get<Settings>('/api/me/settings'), []);
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">{t('settings.title')}</h1>
      <Load state={settings} route="GET /api/me/settings">
        {(data) => <NotificationForm initial={data} onSaved={settings.reload} />}
      </Load>
      <PasswordForm />
    </section>
  );
}

function NotificationForm({ initial, onSaved }: { initial: Settings; onSaved: () => void }) {
  const t = useT();
  const { me } = useSession();
  const [mobile, setMobile] = useState(initial.mobile ?? '');
  const [email, setEmail] = useState(initial.email ?? '');
  const [first, setFirst] = useState<Medium | ''>(initial.preferences.order?.[0] ?? '');
  const [disabled, setDisabled] = useState<Set<Medium>>(new Set(initial.preferences.disabled ?? []));
  const [digest, setDigest] = useState(initial.preferences.digest ?? initial.roleDefaults.digest);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => setStatus(null), [mobile, email, first, disabled, digest]);

  const toggle = (m: Medium) =>
    setDisabled((s) => {
      const next = new Set(s);
      if (next.has(m)) next.delete(m);
      else next.add(m);
      return next;
    });
  const names = (list: Medium[]) => list.map((m) => t(MEDIUM_LABEL[m])).join(' → ');

  async function save(e: FormEvent) {
    e.preventDefault();
    try {
      await api.put('/api/me/settings', {
        mobile: mobile.trim() || null,
        email: email.trim() || null,
        preferences: { ...(first ? { order: [first] } : {}), disabled: [...disabled], ...(can(me, 'notify.digest') ? { digest } : {}) },
      });
      setStatus({ ok: true, text: t('common.saved') });
      onSaved();
    } catch (err) {
      setStatus({ ok: false, text: failureText(err, t) });
    }
  }

  return (
    <form className="card" onSubmit={(e) => void save(e)} aria-labelledby="settings-notify">
      <h2 id="settings-notify">{t('settings.notifyTitle')}</h2>
      <p className="muted">
        {t('settings.roleDefault', { routine: names(initial.roleDefaults.routine), escalation: names(initial.roleDefaults.escalation) })}
      </p>
      <ReachToday reach={initial.reachToday} first={initial.preferences.order?.[0]} names={names} />
      <label htmlFor="settings-mobile">{t('settings.mobile')}</label>
      <input
        id="settings-mobile"
        type="tel"
        inputMode="tel"
        autoComplete="tel"
        value={mobile}
        onChange={(e) => setMobile(e.target.value)}
      />
      <label htmlFor="settings-email">{t('settings.email')}</label>
      <input id="settings-email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />
      <label htmlFor="settings-first">{t('settings.first')}</label>
      <select id="settings-first" value={first} onChange={(e) => setFirst(e.target.value as Medium | '')}>
        <option value="">{t('settings.firstDefault')}</option>
        {MEDIA.map((m) => (
          <option key={m} value={m}>
            {t(MEDIUM_LABEL[m])}
          </option>
        ))}
      </select>
      <fieldset>
        <legend>{t('settings.optOut')}</legend>
        {MEDIA.map((m) => (
          <label key={m} className="check">
            <input type="checkbox" checked={disabled.has(m)} onChange={() => toggle(m)} /> {t(MEDIUM_LABEL[m])}
          </label>
        ))}
      </fieldset>
      {can(me, 'notify.digest') && (
        <label className="check">
          <input type="checkbox" checked={digest} onChange={(e) => setDigest(e.target.checked)} /> {t('settings.digest')}
        </label>
      )}
      {status && (
        <p className={status.ok ? 'ok-text' : 'error-text'} role={status.ok ? 'status' : 'alert'}>
          {status.text}
        </p>
      )}
      <button type="submit" className="primary">
        {t('common.save')}
      </button>
    </form>
  );
}

/**
 * What reaches me today with the saved settings and the channels this server
 * has set up: a warning when nothing does, or when my first choice is not used.
 */
function ReachToday({
  reach,
  first,
  names,
}: {
  reach: { routine: Medium[]; escalation: Medium[] };
  first?: Medium;
  names: (list: Medium[]) => string;
}) {
  const t = useT();
  if (reach.routine.length === 0 || reach.escalation.length === 0) {
    return (
      <p className="notice notice-missing" role="alert" data-testid="reach-warning">
        {t('settings.reachNone')}
      </p>
    );
  }
  return (
    <>
      <p className="muted" data-testid="reach-today">
        {t('settings.reachToday', { routine: names(reach.routine), escalation: names(reach.escalation) })}
      </p>
      {first && !reach.routine.includes(first) && (
        <p className="notice notice-missing" role="alert" data-testid="reach-warning">
          {t('settings.reachFirstUnused', { medium: names([first]) })}
        </p>
      )}
    </>
  );
}

function PasswordForm() {
  const t = useT();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);

  async function change(e: FormEvent) {
    e.preventDefault();
    if (next !== repeat) return setStatus({ ok: false, text: t('settings.passwordMismatch') });
    try {
      await api.post('/api/auth/password', { currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setRepeat('');
      setStatus({ ok: true, text: t('settings.passwordChanged') });
    } catch (err) {
      setStatus({ ok: false, text: failureText(err, t) });
    }
  }

  return (
    <form className="card" onSubmit={(e) => void change(e)} aria-labelledby="settings-password">
      <h2 id="settings-password">{t('settings.passwordTitle')}</h2>
      <label htmlFor="pw-current">{t('settings.passwordCurrent')}</label>
      <input
        id="pw-current"
        type="password"
        autoComplete="current-password"
        required
        value={current}
        onChange={(e) => setCurrent(e.target.value)}
      />
      <label htmlFor="pw-new">{t('settings.passwordNew')}</label>
      <input id="pw-new" type="password" autoComplete="new-password" required value={next} onChange={(e) => setNext(e.target.value)} />
      <label htmlFor="pw-repeat">{t('settings.passwordRepeat')}</label>
      <input
        id="pw-repeat"
        type="password"
        autoComplete="new-password"
        required
        value={repeat}
        onChange={(e) => setRepeat(e.target.value)}
      />
      {status && (
        <p className={status.ok ? 'ok-text' : 'error-text'} role={status.ok ? 'status' : 'alert'}>
          {status.text}
        </p>
      )}
      <button type="submit">{t('settings.passwordSubmit')}</button>
    </form>
  );
}
