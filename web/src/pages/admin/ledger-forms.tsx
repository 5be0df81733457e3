// The ledger page's panels: add/edit form, detail view (with close and the
// audited full read), Excel import with a dry run, and the yearly
// "本社区无此类人员/场所" declaration.
import { Fragment, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { LedgerCategory, LedgerImportCheck, LedgerImported, LedgerSubject, LedgerSubjectFull, Member } from '../../api/types';
import { postSpreadsheet, uploadEvidence } from '../../api/upload';
import { failureText } from '../../components/status';
import { useT, type MessageKey } from '../../i18n';

export interface LedgerContext {
  communityId: string;
  communityName: string;
  categories: LedgerCategory[];
  workers: Member[];
  /** from me.permissions (GET /api/auth/me): ledgers.readSensitive, ledgers.close, ledgers.declareNone */
  permissions: { readSensitive: boolean; close: boolean; declare: boolean };
}

/** Fields the entry may carry besides its own columns; every category shows those its checks require first. */
const TEXT_FIELDS: Array<{ key: string; type?: 'date' | 'status' | 'long' }> = [
  { key: 'address' },
  { key: 'guardian' },
  { key: 'releaseDate', type: 'date' },
  { key: 'situation', type: 'long' },
  { key: 'grievance', type: 'long' },
  { key: 'parties' },
  { key: 'summary', type: 'long' },
  { key: 'reportedOn', type: 'date' },
  { key: 'status', type: 'status' },
  { key: 'location' },
  { key: 'description', type: 'long' },
  { key: 'foundOn', type: 'date' },
  { key: 'measures', type: 'long' },
  { key: 'operator' },
  { key: 'lastCheckedOn', type: 'date' },
];
const STATUS = ['unresolved', 'resolving', 'resolved'] as const;
const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * What the category's checks would find missing, as Chinese labels: a hint on
 * the page; the deadline check itself runs on the server.
 */
export function missingFields(s: LedgerSubject, categories: LedgerCategory[], knowWorkers: boolean): string[] {
  const category = categories.find((c) => c.code === s.category);
  if (!category || s.endDate) return [];
  const has = (key: string) =>
    key === 'name'
      ? !!s.displayName
      : key === 'idNumber'
        ? !!s.idNumberMasked
        : key === 'severity'
          ? !!s.riskLevel
          : !!s.fields[key]?.trim();
  const missing = category.requiredFields.filter((f) => !has(f.key)).map((f) => f.label);
  if (knowWorkers && category.requiresResponsibleWorker && !s.responsibleUserId) missing.push('责任网格员');
  return missing;
}

function labelOf(categories: LedgerCategory[], key: string): string {
  for (const c of categories) {
    const found = c.requiredFields.find((f) => f.key === key);
    if (found) return found.label;
  }
  return key;
}

export function LedgerForm({
  ctx,
  subject,
  onCancel,
  onSaved,
}: {
  ctx: LedgerContext;
  subject?: LedgerSubject;
  onCancel: () => void;
  onSaved: (s: LedgerSubject) => void;
}) {
  const t = useT();
  const [category, setCategory] = useState(subject?.category ?? ctx.categories[0]?.code ?? '');
  const [displayName, setDisplayName] = useState(subject?.displayName ?? '');
  const [startDate, setStartDate] = useState(subject?.startDate ?? today());
  const [riskLevel, setRiskLevel] = useState(subject?.riskLevel ?? '');
  const [responsibleUserId, setResponsible] = useState(subject?.responsibleUserId ?? '');
  const [idNumber, setIdNumber] = useState('');
  const [fields, setFields] = useState<Record<string, string>>(subject?.fields ?? {});
  const [incidentProne, setIncidentProne] = useState(subject?.flags.includes('incident-prone') ?? false);
  const [guardianLetter, setGuardianLetter] = useState(subject?.guardianLetter ?? false);
  const [responsibilityLetter, setResponsibilityLetter] = useState(subject?.responsibilityLetter ?? false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const current = ctx.categories.find((c) => c.code === category);
  const required = new Set(current?.requiredFields.map((f) => f.key) ?? []);
  // Required fields first, then the others (collapsed under 更多信息).
  const shown = TEXT_FIELDS.filter((f) => required.has(f.key));
  const others = TEXT_FIELDS.filter((f) => !required.has(f.key));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError('');
    setBusy(true);
    const body = {
      category,
      displayName: displayName.trim(),
      startDate,
      riskLevel: riskLevel || null,
      responsibleUserId: responsibleUserId || null,
      fields,
      flags: incidentProne ? ['incident-prone'] : [],
      guardianLetter,
      responsibilityLetter,
      ...(idNumber.trim() ? { idNumber: idNumber.trim() } : {}),
    };
    try {
      const saved = subject
        ? await api.patch<LedgerSubject>(`/api/ledgers/${subject.id}`, body)
        : await api.post<LedgerSubject>('/api/ledgers', { ...body, communityId: ctx.communityId });
      onSaved(saved);
    } catch (err) {
      setError(failureText(err, t));
    } finally {
      setBusy(false);
    }
  }

  const field = (f: (typeof TEXT_FIELDS)[number]) => {
    const id = `lf-${f.key}`;
    const value = fields[f.key] ?? '';
    const set = (v: string) => setFields((x) => ({ ...x, [f.key]: v }));
    return (
      <div key={f.key}>
        <label htmlFor={id}>
          {labelOf(ctx.categories, f.key)}
          {required.has(f.key) && <span className="warn"> *</span>}
        </label>
        {f.type === 'status' ? (
          <select id={id} value={value} onChange={(e) => set(e.target.value)}>
            <option value="">—</option>
            {STATUS.map((s) => (
              <option key={s} value={s}>
                {t(`ledger.status.${s}`)}
              </option>
            ))}
          </select>
        ) : f.type === 'long' ? (
          <textarea id={id} value={value} rows={2} onChange={(e) => set(e.target.value)} />
        ) : (
          <input id={id} type={f.type === 'date' ? 'date' : 'text'} value={value} onChange={(e) => set(e.target.value)} />
        )}
      </div>
    );
  };

  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="ledger-form-title">
      <h2 id="ledger-form-title">
        {subject ? t('ledger.editTitle', { name: subject.displayName }) : t('ledger.addTitle', { community: ctx.communityName })}
      </h2>
      <label htmlFor="lf-category">{t('ledger.category')}</label>
      <select id="lf-category" value={category} onChange={(e) => setCategory(e.target.value)} required>
        {ctx.categories.map((c) => (
          <option key={c.code} value={c.code}>
            {c.name}
          </option>
        ))}
      </select>
      <label htmlFor="lf-name">
        {t('ledger.name')}
        <span className="warn"> *</span>
      </label>
      <input id="lf-name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} required maxLength={100} />
      {current?.kind !== 'SITE' && (
        <>
          <label htmlFor="lf-id">
            {t('ledger.idNumber')}
            {required.has('idNumber') && <span className="warn"> *</span>}
          </label>
          <input
            id="lf-id"
            value={idNumber}
            onChange={(e) => setIdNumber(e.target.value)}
            placeholder={subject?.idNumberMasked ? t('ledger.idKeep', { masked: subject.idNumberMasked }) : ''}
            autoComplete="off"
          />
        </>
      )}
      <label htmlFor="lf-start">{t('ledger.startDate')}</label>
      <input id="lf-start" type="date" value={startDate} onChange={(e) => setStartDate(e.target.value)} required />
      {current?.visitedByRisk && (
        <>
          <label htmlFor="lf-risk">
            {t('ledger.risk')}
            {required.has('severity') && <span className="warn"> *</span>}
          </label>
          <select id="lf-risk" value={riskLevel} onChange={(e) => setRiskLevel(e.target.value)}>
            <option value="">{t('ledger.riskDefault')}</option>
            {(['low', 'medium', 'high'] as const).map((r) => (
              <option key={r} value={r}>
                {t(`ledger.risk.${r}`)}
              </option>
            ))}
          </select>
        </>
      )}
      <label htmlFor="lf-worker">
        {t('ledger.worker')}
        {current?.requiresResponsibleWorker && <span className="warn"> *</span>}
      </label>
      <select id="lf-worker" value={responsibleUserId} onChange={(e) => setResponsible(e.target.value)}>
        <option value="">—</option>
        {ctx.workers.map((w) => (
          <option key={w.id} value={w.id}>
            {w.displayName}
          </option>
        ))}
      </select>
      {shown.map(field)}
      {category === 'mental-illness' && (
        <>
          <label className="check">
            <input type="checkbox" checked={incidentProne} onChange={(e) => setIncidentProne(e.target.checked)} />
            {t('ledger.incidentProne')}
          </label>
          <label className="check">
            <input type="checkbox" checked={guardianLetter} onChange={(e) => setGuardianLetter(e.target.checked)} />
            {t('ledger.guardianLetter')}
          </label>
        </>
      )}
      {category === 'key-venue' && (
        <label className="check">
          <input type="checkbox" checked={responsibilityLetter} onChange={(e) => setResponsibilityLetter(e.target.checked)} />
          {t('ledger.responsibilityLetter')}
        </label>
      )}
      <details>
        <summary>{t('ledger.moreFields')}</summary>
        {others.map(field)}
      </details>
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {t('common.save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

export function LedgerDetail({
  subject,
  ctx,
  onBack,
  onChanged,
}: {
  subject: LedgerSubject;
  ctx: LedgerContext;
  onBack: () => void;
  onChanged: (message: string) => void;
}) {
  const t = useT();
  const [editing, setEditing] = useState(false);
  const [closing, setClosing] = useState(false);
  const [full, setFull] = useState<LedgerSubjectFull>();
  const [error, setError] = useState('');
  const category = ctx.categories.find((c) => c.code === subject.category);
  const worker = ctx.workers.find((w) => w.id === subject.responsibleUserId);
  const missing = missingFields(subject, ctx.categories, ctx.workers.length > 0);

  async function readFull() {
    setError('');
    try {
      setFull(await api.get<LedgerSubjectFull>(`/api/ledgers/${subject.id}/sensitive`));
    } catch (err) {
      setError(failureText(err, t));
    }
  }

  if (editing)
    return (
      <LedgerForm
        ctx={ctx}
        subject={subject}
        onCancel={() => setEditing(false)}
        onSaved={(s) => {
          setEditing(false);
          onChanged(t('ledger.saved', { name: s.displayName }));
        }}
      />
    );
  const facts: Array<[string, string]> = [
    [t('ledger.category'), category?.name ?? ''],
    [t('ledger.idNumber'), subject.unreadable ? t('ledger.unreadable') : full ? (full.idNumber ?? '—') : (subject.idNumberMasked ?? '—')],
    [t('ledger.startDate'), subject.startDate],
    ...(subject.endDate ? [[t('ledger.endDate'), subject.endDate] as [string, string]] : []),
    [t('ledger.risk'), subject.riskLevel ? t(`ledger.risk.${subject.riskLevel}` as MessageKey) : '—'],
    [t('ledger.worker'), worker?.displayName ?? (subject.responsibleUserId ? t('ledger.assigned') : t('ledger.noWorker'))],
    ...TEXT_FIELDS.filter((f) => subject.fields[f.key]).map(
      (f) =>
        [
          labelOf(ctx.categories, f.key),
          f.type === 'status' ? t(`ledger.status.${subject.fields[f.key]}` as MessageKey) : subject.fields[f.key]!,
        ] as [string, string],
    ),
    ...(subject.flags.includes('incident-prone') ? [[t('ledger.incidentProne'), t('common.yes')] as [string, string]] : []),
    ...(subject.category === 'mental-illness'
      ? [[t('ledger.guardianLetter'), subject.guardianLetter ? t('common.yes') : t('common.no')] as [string, string]]
      : []),
    ...(subject.category === 'key-venue'
      ? [[t('ledger.responsibilityLetter'), subject.responsibilityLetter ? t('common.yes') : t('common.no')] as [string, string]]
      : []),
  ];
  return (
    <section aria-labelledby="ledger-detail-title">
      <button type="button" className="link" onClick={onBack}>
        ← {t('common.back')}
      </button>
      <h1 id="ledger-detail-title">{subject.displayName}</h1>
      {missing.length > 0 ? (
        <p className="warn">{t('ledger.missing', { fields: missing.join('、') })}</p>
      ) : (
        !subject.endDate && <p className="ok-text">{t('ledger.complete')}</p>
      )}
      <dl className="facts">
        {facts.map(([k, v]) => (
          <Fragment key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </Fragment>
        ))}
      </dl>
      {full?.details && (
        <dl className="facts" aria-label={t('ledger.sensitive')}>
          {full.details.diagnosis && (
            <>
              <dt>{t('ledger.diagnosis')}</dt>
              <dd>{full.details.diagnosis}</dd>
            </>
          )}
          {full.details.drugHistory && (
            <>
              <dt>{t('ledger.drugHistory')}</dt>
              <dd>{full.details.drugHistory}</dd>
            </>
          )}
          {full.details.notes && (
            <>
              <dt>{t('ledger.notes')}</dt>
              <dd>{full.details.notes}</dd>
            </>
          )}
        </dl>
      )}
      {ctx.permissions.readSensitive && !full && (
        <div className="notice notice-missing">
          <p>{t('ledger.auditNotice')}</p>
          <button type="button" onClick={() => void readFull()}>
            {t('ledger.readFull')}
          </button>
        </div>
      )}
      {full && (
        <p className="muted small" role="status">
          {t('ledger.auditDone')}
        </p>
      )}
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {!subject.endDate && (
        <div className="actions">
          <button type="button" className="primary" onClick={() => setEditing(true)}>
            {t('ledger.edit')}
          </button>
          {ctx.permissions.close && (
            <button type="button" className="danger" onClick={() => setClosing(true)}>
              {t('ledger.close')}
            </button>
          )}
        </div>
      )}
      {closing && (
        <CloseForm
          subject={subject}
          onCancel={() => setClosing(false)}
          onClosed={() => {
            setClosing(false);
            onChanged(t('ledger.closedNotice', { name: subject.displayName }));
            onBack();
          }}
        />
      )}
    </section>
  );
}

function CloseForm({ subject, onCancel, onClosed }: { subject: LedgerSubject; onCancel: () => void; onClosed: () => void }) {
  const t = useT();
  const [endDate, setEndDate] = useState(today());
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError('');
    try {
      await api.post(`/api/ledgers/${subject.id}/close`, { endDate, reason: reason.trim() });
      onClosed();
    } catch (err) {
      setError(failureText(err, t));
    }
  }
  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="close-title">
      <h2 id="close-title">{t('ledger.closeTitle', { name: subject.displayName })}</h2>
      <p className="muted small">{t('ledger.closeHint')}</p>
      <label htmlFor="close-date">{t('ledger.endDate')}</label>
      <input id="close-date" type="date" value={endDate} min={subject.startDate} onChange={(e) => setEndDate(e.target.value)} required />
      <label htmlFor="close-reason">{t('ledger.closeReason')}</label>
      <textarea
        id="close-reason"
        value={reason}
        rows={2}
        minLength={2}
        maxLength={500}
        onChange={(e) => setReason(e.target.value)}
        required
      />
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="danger">
          {t('ledger.closeConfirm')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

export function ImportPanel({
  ctx,
  onCancel,
  onImported,
}: {
  ctx: LedgerContext;
  onCancel: () => void;
  onImported: (count: number) => void;
}) {
  const t = useT();
  const [file, setFile] = useState<File>();
  const [check, setCheck] = useState<LedgerImportCheck>();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const url = (dryRun: boolean) => `/api/ledgers/import?communityId=${encodeURIComponent(ctx.communityId)}${dryRun ? '&dryRun=true' : ''}`;

  async function pick(f: File | undefined) {
    setFile(f);
    setCheck(undefined);
    setError('');
    if (!f) return;
    setBusy(true);
    try {
      setCheck(await postSpreadsheet<LedgerImportCheck>(url(true), f));
    } catch (err) {
      setError(failureText(err, t));
    } finally {
      setBusy(false);
    }
  }
  async function save() {
    if (!file) return;
    setBusy(true);
    try {
      onImported((await postSpreadsheet<LedgerImported>(url(false), file)).created);
    } catch (err) {
      setError(failureText(err, t));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="card" aria-labelledby="import-title">
      <h2 id="import-title">{t('ledger.importTitle', { community: ctx.communityName })}</h2>
      <p className="muted small">{t('ledger.importHint')}</p>
      <label htmlFor="import-file">{t('ledger.importFile')}</label>
      <input id="import-file" type="file" accept=".xlsx" onChange={(e) => void pick(e.target.files?.[0])} />
      {busy && (
        <p className="muted" role="status">
          {t('app.loading')}
        </p>
      )}
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {check && check.problems.length > 0 && (
        <div role="alert">
          <p className="warn">{t('ledger.importProblems', { count: check.problems.length })}</p>
          <table className="table" aria-label={t('ledger.importProblemsTable')}>
            <thead>
              <tr>
                <th scope="col">{t('ledger.row')}</th>
                <th scope="col">{t('ledger.column')}</th>
                <th scope="col">{t('ledger.problem')}</th>
              </tr>
            </thead>
            <tbody>
              {check.problems.map((p, i) => (
                <tr key={i}>
                  <td>{t('ledger.rowN', { row: p.row })}</td>
                  <td>{p.column}</td>
                  <td>{p.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {check && check.problems.length === 0 && (
        <div>
          <p className="ok-text" role="status">
            {t('ledger.importReady', { count: check.rows.length })}
          </p>
          <ul className="plain-list">
            {check.rows.slice(0, 20).map((r) => (
              <li key={r.row}>
                {r.category}：{r.displayName}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="actions">
        <button type="button" className="primary" disabled={!check || check.problems.length > 0 || busy} onClick={() => void save()}>
          {t('ledger.importConfirm')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </div>
  );
}

export function DeclareForm({
  ctx,
  year,
  onCancel,
  onDeclared,
}: {
  ctx: LedgerContext;
  year: number;
  onCancel: () => void;
  onDeclared: (categoryName: string) => void;
}) {
  const t = useT();
  const [category, setCategory] = useState(ctx.categories[0]?.code ?? '');
  const [file, setFile] = useState<File>();
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const current = ctx.categories.find((c) => c.code === category);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) {
      setError(t('ledger.declareNeedsFile'));
      return;
    }
    setError('');
    setBusy(true);
    try {
      const evidence = await uploadEvidence(file, ctx.communityId, () => {}).promise;
      await api.post('/api/ledgers/declarations', {
        communityId: ctx.communityId,
        category,
        year,
        evidenceId: evidence.id,
        note: note.trim() || null,
      });
      onDeclared(current?.name ?? '');
    } catch (err) {
      setError(failureText(err, t));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="declare-title">
      <h2 id="declare-title">{t('ledger.declareTitle', { year, community: ctx.communityName })}</h2>
      <p className="muted small">{t('ledger.declareHint')}</p>
      <label htmlFor="dc-category">{t('ledger.category')}</label>
      <select id="dc-category" value={category} onChange={(e) => setCategory(e.target.value)}>
        {ctx.categories.map((c) => (
          <option key={c.code} value={c.code}>
            {c.name}
          </option>
        ))}
      </select>
      <p>{current?.kind === 'SITE' ? t('ledger.noSites') : t('ledger.noPeople')}</p>
      <label htmlFor="dc-file">{t('ledger.declareFile')}</label>
      <input id="dc-file" type="file" accept="image/*,.pdf,.doc,.docx" onChange={(e) => setFile(e.target.files?.[0])} />
      <label htmlFor="dc-note">{t('ledger.declareNote')}</label>
      <input id="dc-note" value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
      {error && (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {t('ledger.declareConfirm')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
