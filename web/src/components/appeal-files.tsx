// Appeals with files: staff pick photos or documents, the browser refuses any
// over 15 MB before sending, each file goes through the evidence upload (the
// server's type, size and zip checks), then the appeal is filed with their
// ids. A file that uploaded is not sent again when the user retries.
import { useId, useRef, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { AppealFile } from '../api/types';
import { uploadEvidence } from '../api/upload';
import { ErrorBox, failureText } from './status';
import { useT } from '../i18n';
import { isTooLarge, megabytes } from '../lib/file-size';

export function AppealForm({ deduction, onFiled }: { deduction: { id: string; communityId: string }; onFiled: () => void }) {
  const t = useT();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [refused, setRefused] = useState<string[]>([]);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [uploadError, setUploadError] = useState('');
  /** files already stored by the server, so a retry sends only the rest */
  const uploaded = useRef(new Map<File, string>());

  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        {t('ded.appeal')}
      </button>
    );

  function pick(list: File[]) {
    setFiles(list.filter((f) => !isTooLarge(f)));
    setRefused(list.filter(isTooLarge).map((f) => t('appeal.fileTooLarge', { name: f.name, size: megabytes(f) })));
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setUploadError('');
    try {
      const ids: string[] = [];
      for (const file of files) {
        let stored = uploaded.current.get(file);
        if (!stored) {
          setStatus(t('appeal.uploadingFile', { name: file.name }));
          try {
            stored = (await uploadEvidence(file, deduction.communityId, () => {}).promise).id;
          } catch (err) {
            // Nothing is filed: the user fixes or drops the file and sends again (stored files are not re-sent).
            setStatus('');
            setUploadError(t('appeal.fileFailed', { name: file.name, reason: failureText(err, t) }));
            return;
          }
          uploaded.current.set(file, stored);
        }
        ids.push(stored);
      }
      setStatus('');
      await api.post(`/api/deductions/${deduction.id}/appeals`, { reason: reason.trim(), evidenceIds: ids });
      setOpen(false);
      setReason('');
      setFiles([]);
      uploaded.current.clear();
      onFiled();
    } catch (err) {
      setStatus('');
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="reason-form" onSubmit={(e) => void submit(e)}>
      <label htmlFor={`${id}-reason`}>{t('appeal.reason')}</label>
      <textarea
        id={`${id}-reason`}
        required
        minLength={2}
        maxLength={1000}
        rows={2}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        autoFocus
      />
      <label htmlFor={`${id}-files`}>{t('appeal.files')}</label>
      <input
        id={`${id}-files`}
        type="file"
        multiple
        accept="image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx"
        onChange={(e) => pick([...(e.target.files ?? [])])}
      />
      {files.length > 0 && <p className="muted small">{t('inc.filesChosen', { count: files.length })}</p>}
      {refused.map((text) => (
        <p key={text} className="error-text small" role="alert">
          {text}
        </p>
      ))}
      {status && (
        <p className="muted small" role="status">
          {status}
        </p>
      )}
      {uploadError && (
        <p className="error-text small" role="alert">
          {uploadError}
        </p>
      )}
      {error !== undefined && <ErrorBox error={error} route="POST /api/deductions/:id/appeals" />}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || reason.trim().length < 2}>
          {t('appeal.submit')}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The files of an appeal, each opened through the evidence route (scope-checked and audited there). */
export function AppealFiles({ files }: { files: AppealFile[] }) {
  const t = useT();
  if (files.length === 0) return <p className="muted small">{t('appeal.noFiles')}</p>;
  return (
    <ul className="plain-list appeal-files" aria-label={t('appeal.filesLabel')}>
      {files.map((f) => (
        <li key={f.id}>
          <a href={f.url} target="_blank" rel="noreferrer">
            {f.thumbnailUrl && <img src={f.thumbnailUrl} alt="" height={64} />} {f.fileName}
          </a>
        </li>
      ))}
    </ul>
  );
}
