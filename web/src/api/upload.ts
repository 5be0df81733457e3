// Evidence upload with progress. fetch() cannot report upload progress, so
// this uses XMLHttpRequest; the caller keeps the File so a failed upload can
// be retried without asking the user to take the photo again.
import { ApiError, errorFrom, getCsrfToken, notifyUnauthorized } from './client';
import type { UploadedEvidence } from './types';

export interface UploadHandle {
  promise: Promise<UploadedEvidence>;
  abort(): void;
}

export function uploadEvidence(file: File, communityId: string, onProgress: (fraction: number) => void): UploadHandle {
  return uploadTo(`/api/evidence?communityId=${encodeURIComponent(communityId)}`, file, onProgress);
}

/** A file explaining an incident deduction (officials): stored under the incident's community and attached to it at once. */
export function uploadIncidentEvidence(file: File, deductionId: string, onProgress: (fraction: number) => void = () => {}): UploadHandle {
  return uploadTo(`/api/incidents/${encodeURIComponent(deductionId)}/evidence`, file, onProgress);
}

function uploadTo(url: string, file: File, onProgress: (fraction: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<UploadedEvidence>((resolve, reject) => {
    xhr.open('POST', url);
    const token = getCsrfToken();
    if (token) xhr.setRequestHeader('x-csrf-token', token);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status === 401) notifyUnauthorized();
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(JSON.parse(xhr.responseText) as UploadedEvidence);
      } else reject(errorFrom(xhr.status, xhr.responseText));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'network'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'aborted'));
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}

/** A spreadsheet sent as the request body (the ledger import); JSON answer or the server's refusal. */
export async function postSpreadsheet<T>(url: string, file: File): Promise<T> {
  const headers: Record<string, string> = {
    'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    accept: 'application/json',
  };
  const token = getCsrfToken();
  if (token) headers['x-csrf-token'] = token;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body: file, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  const text = await res.text();
  if (res.status === 401) notifyUnauthorized();
  if (!res.ok) throw errorFrom(res.status, text);
  return JSON.parse(text) as T;
}
