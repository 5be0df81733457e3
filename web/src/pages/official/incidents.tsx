// Incident deductions (petitions, accidents, notices) are recorded by hand by
// officials. The rule list comes from the rulebook so section, item and points
// match the rubric; the idempotency key stops a double click from deducting twice.
// Evidence files are sent after the deduction is recorded, each to
// POST /api/incidents/:id/evidence (the server checks type, size and scope);
// files that fail can be sent again to the same deduction without recording it twice.
import { useMemo, useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client';
import { uploadIncidentEvidence } from '../../api/upload';
import type { CommunityRow, Deduction } from '../../api/types';
import { ErrorBox, Load } from '../../components/status';
import { useT } from '../../i18n';
import { shanghaiDay } from '../../lib/time';
import { useFetch } from '../../lib/use-fetch';
import rulebook from 'virtual:rulebook';

const incidentRules = rulebook.rules.filter((r) => r.kind === 'incident' || r.kind === 'reporting');

export function IncidentsPage() {
  const t = useT();
  const communities = useFetch(() => api.get<CommunityRow[]>('/api/communities'), []);
  return (
    <section aria-labelledby="inc-title">
      <h1 id="inc-title">{t('inc.title')}</h1>
      <Load state={communities} route="GET /api/communities">{(list) => <IncidentForm communities={list} />}</Load>
    </section>
  );
}

function IncidentForm({ communities }: { communities: CommunityRow[] }) {
  const t = useT();
  const [communityId, setCommunityId] = useState(communities[0]?.id ?? '');
  const [ruleId, setRuleId] = useState(incidentRules[0]?.id ?? '');
  const rule = useMemo(() => incidentRules.find((r) => r.id === ruleId), [ruleId]);
  const [points, setPoints] = useState(String(incidentRules[0]?.amount ?? 1));
  const [occurredOn, setOccurredOn] = useState(shanghaiDay(new Date()));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string | null>(null);
  // One key per form fill: a retried or double-submitted form records once (the API answers 200 the second time).
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  /** The recorded deduction whose files did not all arrive, and those files with why. */
  const [pending, setPending] = useState<{ deduction: Deduction; failed: Array<{ file: File; reason: string }> } | null>(null);

  /** Sends the files one by one; returns those the server did not take, with its message. */
  async function sendFiles(deductionId: string, list: File[]): Promise<Array<{ file: File; reason: string }>> {
    const failed: Array<{ file: File; reason: string }> = [];
    for (const [i, file] of list.entries()) {
      setProgress({ done: i, total: list.length });
      try {
        await uploadIncidentEvidence(file, deductionId).promise;
      } catch (err) {
        failed.push({ file, reason: err instanceof ApiError ? err.message : String(err) });
      }
    }
    setProgress(null);
    return failed;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!rule) return;
    setBusy(true); setError(undefined); setDone(null);
    try {
      const d = pending?.deduction ?? await api.post<Deduction>('/api/incidents', {
        communityId, ruleId, section: rule.section, item: rule.item, points: Number(points), reason: reason.trim(), occurredOn, idempotencyKey: key,
      });
      const toSend = pending ? pending.failed.map((f) => f.file) : files;
      const failed = await sendFiles(d.id, toSend);
      const recorded = t('inc.recorded', { community: communities.find((c) => c.id === communityId)?.name ?? '', item: d.item, points: d.points });
      const sent = toSend.length - failed.length;
      setDone(sent > 0 ? `${recorded} · ${t('inc.evidenceSaved', { count: sent })}` : recorded);
      setPending(failed.length > 0 ? { deduction: d, failed } : null);
      if (failed.length === 0) {
        setReason('');
        setFiles([]);
        setKey(crypto.randomUUID());
      }
    } catch (err) { setError(err); } finally { setBusy(false); }
  }

  /** New files replace the failed ones when a deduction is already recorded: they go to that deduction. */
  function pickFiles(list: File[]) {
    setFiles(list);
    if (pending) setPending({ ...pending, failed: list.map((file) => ({ file, reason: '' })) });
  }

  function dropPending() {
    setPending(null); setFiles([]); setReason(''); setKey(crypto.randomUUID());
  }

  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)}>
      <label htmlFor="inc-community">{t('common.community')}</label>
      <select id="inc-community" value={communityId} onChange={(e) => setCommunityId(e.target.value)} required>
        {communities.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
      </select>
      <label htmlFor="inc-rule">{t('inc.rule')}</label>
      <select id="inc-rule" value={ruleId} onChange={(e) => { setRuleId(e.target.value); setPoints(String(incidentRules.find((r) => r.id === e.target.value)?.amount ?? 1)); }}>
        {incidentRules.map((r) => <option key={r.id} value={r.id}>{r.section}. {r.item} · {r.title}</option>)}
      </select>
      {rule && <blockquote className="clause small">{rule.clause}</blockquote>}
      <label htmlFor="inc-points">{t('inc.points')}</label>
      <input id="inc-points" type="number" min={0.5} max={10} step={0.5} value={points} onChange={(e) => setPoints(e.target.value)} required />
      <label htmlFor="inc-date">{t('inc.occurredOn')}</label>
      <input id="inc-date" type="date" value={occurredOn} onChange={(e) => setOccurredOn(e.target.value)} required />
      <label htmlFor="inc-reason">{t('inc.reason')}</label>
      <textarea id="inc-reason" rows={3} minLength={2} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} required disabled={!!pending} />
      <label htmlFor="inc-files">{t('inc.files')}</label>
      <input id="inc-files" type="file" multiple
        accept="image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx"
        onChange={(e) => pickFiles([...(e.target.files ?? [])])} />
      {files.length > 0 && !pending && <p className="muted small">{t('inc.filesChosen', { count: files.length })}</p>}
      {error !== undefined && <ErrorBox error={error} route="POST /api/incidents" />}
      {done && <p className="ok" role="status">{done}</p>}
      {progress && <p className="muted small" role="status">{t('inc.uploading', { done: progress.done, total: progress.total })}</p>}
      {pending && (
        <div className="error" role="alert">
          <ul className="plain-list">{pending.failed.map((f) => <li key={f.file.name}>{f.reason ? t('inc.evidenceFailed', { name: f.file.name, reason: f.reason }) : f.file.name}</li>)}</ul>
          <p className="small">{t('inc.retryHint')}</p>
          <button type="button" onClick={dropPending} disabled={busy}>{t('inc.dropEvidence')}</button>
        </div>
      )}
      <button type="submit" className="danger" disabled={busy || reason.trim().length < 2}>{pending ? t('inc.retryEvidence') : t('inc.record')}</button>
    </form>
  );
}
