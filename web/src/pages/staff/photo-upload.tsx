// Photos straight from the phone camera. Each photo uploads as soon as it is
// taken, with a progress bar; a failed upload keeps the File in state so the
// user retries with one tap instead of taking the picture again.
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/client';
import type { UploadedEvidence } from '../../api/types';
import { uploadEvidence } from '../../api/upload';
import { ProgressBar } from '../../components/widgets';
import { useT } from '../../i18n';
import { isTooLarge, megabytes } from '../../lib/file-size';
import { formatDateTime } from '../../lib/time';

export interface PendingPhoto {
  key: string;
  file: File;
  previewUrl: string;
  progress: number;
  state: 'uploading' | 'done' | 'failed';
  result?: UploadedEvidence;
  error?: string;
  /** over the upload limit: refused in the browser, never sent */
  tooLarge?: boolean;
}

let nextKey = 0;

export function usePhotoUploads(communityId: string) {
  const [photos, setPhotos] = useState<PendingPhoto[]>([]);
  const aborts = useRef(new Map<string, () => void>());
  const urls = useRef(new Set<string>());

  // Object URLs hold the image in memory until revoked: free them when the page closes.
  useEffect(
    () => () => {
      for (const abort of aborts.current.values()) abort();
      for (const url of urls.current) URL.revokeObjectURL(url);
    },
    [],
  );

  const patch = (key: string, change: Partial<PendingPhoto>) =>
    setPhotos((list) => list.map((p) => (p.key === key ? { ...p, ...change } : p)));

  function start(key: string, file: File) {
    patch(key, { state: 'uploading', progress: 0, error: undefined });
    const handle = uploadEvidence(file, communityId, (progress) => patch(key, { progress }));
    aborts.current.set(key, handle.abort);
    handle.promise
      .then(
        (result) => patch(key, { state: 'done', progress: 1, result }),
        (err: unknown) => {
          if (err instanceof ApiError && err.code === 'aborted') return;
          patch(key, {
            state: 'failed',
            error: err instanceof ApiError && err.status === 0 ? '' : err instanceof Error ? err.message : String(err),
          });
        },
      )
      .finally(() => aborts.current.delete(key));
  }

  function add(files: FileList | null) {
    if (!files) return;
    const added: PendingPhoto[] = [...files].map((file) => {
      const previewUrl = URL.createObjectURL(file);
      urls.current.add(previewUrl);
      return isTooLarge(file)
        ? { key: `p${nextKey++}`, file, previewUrl, progress: 0, state: 'failed', tooLarge: true }
        : { key: `p${nextKey++}`, file, previewUrl, progress: 0, state: 'uploading' };
    });
    setPhotos((list) => [...list, ...added]);
    for (const p of added) if (!p.tooLarge) start(p.key, p.file);
  }

  function retry(key: string) {
    const p = photos.find((x) => x.key === key);
    if (p) start(p.key, p.file);
  }

  function remove(key: string) {
    aborts.current.get(key)?.();
    setPhotos((list) => {
      const p = list.find((x) => x.key === key);
      if (p) {
        URL.revokeObjectURL(p.previewUrl);
        urls.current.delete(p.previewUrl);
      }
      return list.filter((x) => x.key !== key);
    });
  }

  const clear = () => {
    for (const p of photos) remove(p.key);
  };
  return { photos, add, retry, remove, clear };
}

export function PhotoPicker({ onFiles }: { onFiles: (files: FileList | null) => void }) {
  const t = useT();
  return (
    <div className="picker">
      {/* capture="environment" opens the rear camera directly on phones; desktops show a file chooser. */}
      <label className="button primary picker-label" htmlFor="photo-input">
        {t('upload.take')}
      </label>
      <input
        id="photo-input"
        className="visually-hidden-input"
        type="file"
        accept="image/*"
        capture="environment"
        multiple
        onChange={(e) => {
          onFiles(e.target.files);
          e.target.value = '';
        }}
        aria-describedby="photo-hint"
      />
      <p id="photo-hint" className="muted small">
        {t('upload.hint')}
      </p>
    </div>
  );
}

export function PhotoItem({ photo, onRetry, onRemove }: { photo: PendingPhoto; onRetry: () => void; onRemove: () => void }) {
  const t = useT();
  return (
    <li className={`photo photo-${photo.state}`}>
      <img src={photo.previewUrl} alt={t('upload.preview', { name: photo.file.name })} />
      <div className="photo-body">
        {photo.state === 'uploading' && (
          <>
            <ProgressBar value={photo.progress} label={t('upload.progress')} />
            <span className="small" aria-live="polite">
              {t('upload.uploading', { percent: Math.round(photo.progress * 100) })}
            </span>
          </>
        )}
        {photo.state === 'done' && (
          <>
            <span className="ok small">{t('upload.done')}</span>
            {photo.result?.takenAt && (
              <span className="small muted">{t('upload.takenAt', { time: formatDateTime(photo.result.takenAt) })}</span>
            )}
            {(photo.result?.usedBefore.length ?? 0) > 0 && (
              <span className="warn small" role="alert">
                {t('upload.usedBefore')}
              </span>
            )}
          </>
        )}
        {photo.tooLarge && (
          <span className="error-text small" role="alert">
            {t('upload.tooLarge', { size: megabytes(photo.file) })}
          </span>
        )}
        {photo.state === 'failed' && !photo.tooLarge && (
          <>
            <span className="error-text small" role="alert">
              {t('upload.failed', { message: photo.error || t('common.networkError') })}
            </span>
            <button type="button" className="primary" onClick={onRetry}>
              {t('upload.retry')}
            </button>
          </>
        )}
        <button type="button" className="link small" onClick={onRemove}>
          {t('upload.remove')}
        </button>
      </div>
    </li>
  );
}
