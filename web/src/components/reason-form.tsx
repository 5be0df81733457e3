// A decision that needs a written reason (reject, reverse, appeal, waive):
// the API refuses reasons under 2 characters, so the form does too.
import { useId, useState } from 'react';
import { ErrorBox } from './status';
import { useT } from '../i18n';

export function ReasonAction({
  label,
  reasonLabel,
  route,
  danger,
  onSubmit,
}: {
  label: string;
  reasonLabel: string;
  route: string;
  danger?: boolean;
  onSubmit: (reason: string) => Promise<unknown>;
}) {
  const t = useT();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  if (!open)
    return (
      <button type="button" className={danger ? 'danger' : ''} onClick={() => setOpen(true)}>
        {label}
      </button>
    );
  return (
    <form
      className="reason-form"
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setError(undefined);
        onSubmit(reason.trim())
          .then(() => {
            setOpen(false);
            setReason('');
          }, setError)
          .finally(() => setBusy(false));
      }}
    >
      <label htmlFor={id}>{reasonLabel}</label>
      <textarea
        id={id}
        required
        minLength={2}
        maxLength={1000}
        rows={2}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        autoFocus
      />
      {error !== undefined && <ErrorBox error={error} route={route} />}
      <div className="actions">
        <button type="submit" className={danger ? 'danger' : 'primary'} disabled={busy || reason.trim().length < 2}>
          {label}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
