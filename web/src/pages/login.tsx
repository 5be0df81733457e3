import { useState, type FormEvent } from 'react';
import { api, setCsrfToken } from '../api/client';
import type { LoggedIn } from '../api/types';
import { failureText } from '../components/status';
import { useI18n } from '../i18n';

export function LoginPage({ onLoggedIn }: { onLoggedIn: () => Promise<void> }) {
  const { t, lang, setLang } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { csrfToken } = await api.post<LoggedIn>('/api/auth/login', { username: username.trim(), password });
      setCsrfToken(csrfToken);
      await onLoggedIn();
    } catch (err) {
      setError(t('login.failed', { message: failureText(err, t) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login" id="main">
      <h1>
        {t('app.name')}
        <span className="muted"> · {t('app.subtitle')}</span>
      </h1>
      <form onSubmit={(e) => void submit(e)} className="card" aria-labelledby="login-title">
        <h2 id="login-title">{t('login.title')}</h2>
        <label htmlFor="username">{t('login.username')}</label>
        <input
          id="username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <label htmlFor="password">{t('login.password')}</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
      <button type="button" className="link" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>
        {t('app.lang')}
      </button>
    </main>
  );
}
