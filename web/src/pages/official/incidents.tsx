// Incident deductions (petitions, accidents, notices) are recorded by hand by
// officials. The official picks the rule by its title from the incident rules
// of the rulebook in force on the occurrence date (GET /api/incidents/rules);
// the server sets section, item and points from it. The idempotency key stops
// a double click from deducting twice. Below the form: past incidents.
// Evidence files are sent after the deduction is recorded, each to
// POST /api/incidents/:id/evidence (the server checks type, size and scope);
// files that fail can be sent again to the same deduction without recording it twice.
import { useMemo, useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client';
import { uploadIncidentEvidence } from '../../api/upload';
import type { CommunityRow, Deduction, IncidentList, IncidentRow, IncidentRules, LedgerSubject } from '../../api/types';
import { ErrorBox, Load } from '../../components/status';
import { useT } from '../../i18n';
import { isTooLarge, megabytes } from '../../lib/file-size';
import { formatDate, shanghaiDay } from '../../lib/time';
import { useFetch } from '../../lib/use-fetch';

export function IncidentsPage() {
  const t = useT();
  const communities = useFetch(() => api.get<CommunityRow[]>('/api/communities'), []);
  const past = useFetch(() => api.get<IncidentList>('/api/incidents').then((r) => r.incidents), []);
  return (
    <section aria-labelledby="inc-title">
      <h1 id="inc-title">{t('inc.title')}</h1>
      <Load state={communities} route="GET /api/communities">
        {(list) => <IncidentForm communities={list} onRecorded={past.reload} />}
      </Load>
      <h2>{t('inc.pastTitle')}</h2>
      <Load state={past} route="GET /api/incidents">
        {(rows) => <PastIncidents rows={rows} />}
      </Load>
    </section>
  );
}

function IncidentForm({ communities, onRecorded }: { communities: CommunityRow[]; onRecorded: () => void }) {
  const t = useT();
  const [communityId, setCommunityId] = useState(communities[0]?.id ?? '');
  const [occurredOn, setOccurredOn] = useState(shanghaiDay(new Date()));
  // The rules follow the occurrence date: a 2022 incident is judged by the 2022 rulebook.
  const rules = useFetch(() => api.get<IncidentRules>(`/api/incidents/rules?occurredOn=${occurredOn}`).then((r) => r.rules), [occurredOn]);
  const incidentRules = rules.data ?? [];
  const [chosen, setChosen] = useState('');
  const ruleId = incidentRules.some((r) => r.id === chosen) ? chosen : (incidentRules[0]?.id ?? '');
  const rule = useMemo(() => incidentRules.find((r) => r.id === ruleId), [incidentRules, ruleId]);
  // The person concerned, from the community's ledger (of the rule's category when it names one).
  const subjects = useFetch(
    () =>
      communityId
        ? api.get<LedgerSubject[]>(
            `/api/ledgers?communityId=${encodeURIComponent(communityId)}${rule?.subjects ? `&category=${encodeURIComponent(rule.subjects)}` : ''}`,
          )
        : Promise.resolve([]),
    [communityId, rule?.subjects],
  );
  const [subjectQuery, setSubjectQuery] = useState('');
  const [pickedSubject, setPickedSubject] = useState('');
  const matches = (subjects.data ?? []).filter((s) => s.kind === 'PERSON' && s.displayName.includes(subjectQuery.trim()));
  const subjectId = (subjects.data ?? []).some((s) => s.id === pickedSubject) ? pickedSubject : '';
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string | null>(null);
  // One key per form fill: a retried or double-submitted form records once (the API answers 200 the second time).
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [files, setFiles] = useState<File[]>([]);
  /** files refused in the browser (over 15 MB), never sent */
  const [tooLarge, setTooLarge] = useState<string[]>([]);
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
    setBusy(true);
    setError(undefined);
    setDone(null);
    try {
      const d =
        pending?.deduction ??
        (await api.post<Deduction>('/api/incidents', {
          communityId,
          ruleId,
          description: reason.trim(),
          occurredOn,
          idempotencyKey: key,
          ...(subjectId ? { subjectId } : {}),
        }));
      onRecorded();
      const toSend = pending ? pending.failed.map((f) => f.file) : files;
      const failed = await sendFiles(d.id, toSend);
      const recorded = t('inc.recorded', {
        community: communities.find((c) => c.id === communityId)?.name ?? '',
        item: d.item,
        points: d.points,
      });
      const sent = toSend.length - failed.length;
      setDone(sent > 0 ? `${recorded} · ${t('inc.evidenceSaved', { count: sent })}` : recorded);
      setPending(failed.length > 0 ? { deduction: d, failed } : null);
      if (failed.length === 0) {
        setReason('');
        setPickedSubject('');
        setSubjectQuery('');
        setFiles([]);
        setKey(crypto.randomUUID());
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  /** New files replace the failed ones when a deduction is already recorded: they go to that deduction. */
  function pickFiles(list: File[]) {
    setTooLarge(list.filter(isTooLarge).map((f) => t('appeal.fileTooLarge', { name: f.name, size: megabytes(f) })));
    list = list.filter((f) => !isTooLarge(f));
    setFiles(list);
    if (pending) setPending({ ...pending, failed: list.map((file) => ({ file, reason: '' })) });
  }

  function dropPending() {
    setPending(null);
    setFiles([]);
    setReason('');
    setKey(crypto.randomUUID());
  }

  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)}>
      <label htmlFor="inc-community">{t('common.community')}</label>
      <select id="inc-community" value={communityId} onChange={(e) => setCommunityId(e.target.value)} required>
        {communities.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
      <label htmlFor="inc-date">{t('inc.occurredOn')}</label>
      <input
        id="inc-date"
        type="date"
        value={occurredOn}
        max={shanghaiDay(new Date())}
        onChange={(e) => setOccurredOn(e.target.value)}
        required
      />
      <label htmlFor="inc-rule">{t('inc.rule')}</label>
      <select id="inc-rule" value={ruleId} onChange={(e) => setChosen(e.target.value)} disabled={!!pending}>
        {incidentRules.map((r) => (
          <option key={r.id} value={r.id}>
            {t('inc.ruleOption', { item: r.item, title: r.title, points: r.points })}
          </option>
        ))}
      </select>
      {rules.error !== undefined && <ErrorBox error={rules.error} route="GET /api/incidents/rules" />}
      {rule && <blockquote className="clause small">{rule.clause}</blockquote>}
      {rule && <p className="muted small">{t('inc.pointsFromRulebook', { points: rule.points })}</p>}
      <label htmlFor="inc-subject-search">{t('inc.subjectSearch')}</label>
      <input
        id="inc-subject-search"
        type="search"
        value={subjectQuery}
        onChange={(e) => setSubjectQuery(e.target.value)}
        disabled={!!pending}
      />
      <label htmlFor="inc-subject">{t('inc.subject')}</label>
      <select id="inc-subject" value={subjectId} onChange={(e) => setPickedSubject(e.target.value)} disabled={!!pending}>
        <option value="">{matches.length === 0 && subjectQuery.trim() ? t('inc.subjectNoMatch') : t('inc.subjectNone')}</option>
        {matches.map((s) => (
          <option key={s.id} value={s.id}>
            {s.displayName}
            {s.fields.address ? `（${s.fields.address}）` : ''}
          </option>
        ))}
      </select>
      {subjects.error !== undefined && <ErrorBox error={subjects.error} route="GET /api/ledgers" />}
      <label htmlFor="inc-reason">{t('inc.reason')}</label>
      <textarea
        id="inc-reason"
        rows={3}
        minLength={2}
        maxLength={1000}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        required
        disabled={!!pending}
      />
      <label htmlFor="inc-files">{t('inc.files')}</label>
      <input
        id="inc-files"
        type="file"
        multiple
        accept="image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx"
        onChange={(e) => pickFiles([...(e.target.files ?? [])])}
      />
      {files.length > 0 && !pending && <p className="muted small">{t('inc.filesChosen', { count: files.length })}</p>}
      {tooLarge.map((text) => (
        <p key={text} className="error-text small" role="alert">
          {text}
        </p>
      ))}
      {error !== undefined && <ErrorBox error={error} route="POST /api/incidents" />}
      {done && (
        <p className="ok" role="status">
          {done}
        </p>
      )}
      {progress && (
        <p className="muted small" role="status">
          {t('inc.uploading', { done: progress.done, total: progress.total })}
        </p>
      )}
      {pending && (
        <div className="error" role="alert">
          <ul className="plain-list">
            {pending.failed.map((f) => (
              <li key={f.file.name}>{f.reason ? t('inc.evidenceFailed', { name: f.file.name, reason: f.reason }) : f.file.name}</li>
            ))}
          </ul>
          <p className="small">{t('inc.retryHint')}</p>
          <button type="button" onClick={dropPending} disabled={busy}>
            {t('inc.dropEvidence')}
          </button>
        </div>
      )}
      <button type="submit" className="danger" disabled={busy || reason.trim().length < 2}>
        {pending ? t('inc.retryEvidence') : t('inc.record')}
      </button>
    </form>
  );
}

/** Past incidents in the official's scope: when, where, which rule, points, and whether it was reversed. */
function PastIncidents({ rows }: { rows: IncidentRow[] }) {
  const t = useT();
  if (rows.length === 0) return <p className="muted">{t('inc.pastEmpty')}</p>;
  return (
    <table className="card" data-testid="past-incidents">
      <thead>
        <tr>
          <th>{t('inc.occurredOn')}</th>
          <th>{t('common.community')}</th>
          <th>{t('inc.rule')}</th>
          <th>{t('inc.points')}</th>
          <th>{t('inc.reason')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <td>{formatDate(r.occurredAt)}</td>
            <td>{r.communityName}</td>
            <td>{r.item}</td>
            <td>{r.reversedById ? t('inc.reversed', { points: r.points }) : `-${r.points}`}</td>
            <td className="small">
              {r.explanation}
              {r.evidenceCount > 0 ? ` · ${t('inc.evidenceSaved', { count: r.evidenceCount })}` : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
