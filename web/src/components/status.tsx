// Loading and error states shared by every page, so each page shows failures
// the same way: a missing server route is named, not shown as a crash.
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';
import { useT, type Translate } from '../i18n';
import type { Loaded } from '../lib/use-fetch';

/** The server's own words for a refused request; a network failure in the user's language. */
export function failureText(err: unknown, t: Translate): string {
  return err instanceof ApiError && err.status !== 0 ? err.message : t('common.networkError');
}

export function Loading() {
  const t = useT();
  return (
    <p className="muted" role="status">
      {t('app.loading')}
    </p>
  );
}

export function ErrorBox({ error, route, onRetry }: { error: unknown; route?: string; onRetry?: () => void }) {
  const t = useT();
  let text: string;
  let kind = 'error';
  if (error instanceof ApiError) {
    if (error.missingRoute) {
      text = t('common.missingRoute', { route: route ?? '' });
      kind = 'missing';
    } else if (error.status === 403) text = t('common.forbidden');
    else if (error.status === 0) text = t('common.networkError');
    else text = t('common.error', { message: error.message });
  } else text = t('common.error', { message: error instanceof Error ? error.message : String(error) });
  return (
    <div
      className={`notice notice-${kind}`}
      role={kind === 'missing' ? 'status' : 'alert'}
      data-missing-route={kind === 'missing' ? route : undefined}
    >
      <p>{text}</p>
      {onRetry && kind !== 'missing' && (
        <button type="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

/** Render `children(data)` once loaded, else the loading or error state. */
export function Load<T>({ state, route, children }: { state: Loaded<T>; route?: string; children: (data: T) => ReactNode }) {
  if (state.error !== undefined) return <ErrorBox error={state.error} route={route} onRetry={state.reload} />;
  if (state.data === undefined) return <Loading />;
  return <>{children(state.data)}</>;
}

export function Forbidden({ message }: { message?: string }) {
  const t = useT();
  return (
    <div className="notice notice-error" role="alert" data-testid="forbidden">
      <p>{message ?? t('common.forbidden')}</p>
    </div>
  );
}
