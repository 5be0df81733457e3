// Ledger subjects (台账) with their sensitive fields encrypted at rest.
// Every query takes the caller's scope (community ids) and filters in SQL.
// Lists and details return masked values; full values come only from
// readSensitive, which writes an audit row in the same transaction.
import { randomUUID } from 'node:crypto';
import type { Database } from './client';
import { writeAudit, type Actor } from './audit-repository';
import { maskIdNumber, type FieldCipher } from './crypto';
import { fromDateColumn, toDateColumn } from './date-column';

export interface SensitiveDetails {
  diagnosis?: string;
  drugHistory?: string;
  notes?: string;
}

/** Free-text ledger fields the rulebook names (住址, 信访诉求, 当事人, ...): key -> text. Not encrypted: the sensitive ones are idNumber and details. */
export type LedgerTextFields = Partial<Record<string, string>>;
export type StoredTextFields = Record<string, string>;

export interface LedgerFields {
  category: string;
  kind: 'PERSON' | 'SITE';
  displayName: string;
  riskLevel: string | null;
  responsibleUserId: string | null;
  guardianLetter: boolean;
  responsibilityLetter: boolean;
  /** yyyy-mm-dd */
  startDate: string;
  fields: LedgerTextFields;
  /** e.g. incident-prone (易肇事肇祸) */
  flags: string[];
}

export interface NewLedgerSubject extends LedgerFields {
  communityId: string;
  idNumber?: string | null;
  details?: SensitiveDetails | null;
}

export type LedgerPatch = Partial<Omit<LedgerFields, 'kind'>> & { idNumber?: string | null; details?: SensitiveDetails | null };

export interface LedgerSubjectView extends Omit<LedgerFields, 'fields'> {
  fields: StoredTextFields;
  id: string;
  communityId: string;
  endDate: string | null;
  idNumberMasked: string | null;
  hasDetails: boolean;
  /** true when the ID number cannot be decrypted (wrong key, damaged bytes): the row still lists, its ID number does not */
  unreadable: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface LedgerSubjectFull extends LedgerSubjectView {
  idNumber: string | null;
  details: SensitiveDetails | null;
}

export interface NewLedgerDeclaration {
  communityId: string;
  category: string;
  year: number;
  evidenceId: string;
  note: string | null;
}

export interface LedgerDeclarationView extends NewLedgerDeclaration {
  id: string;
  declaredById: string;
  createdAt: Date;
}

export interface LedgerQuery {
  communityIds: string[];
  category?: string;
  includeClosed?: boolean;
}

type Row = {
  id: string;
  communityId: string;
  category: string;
  kind: 'PERSON' | 'SITE';
  displayName: string;
  riskLevel: string | null;
  responsibleUserId: string | null;
  guardianLetter: boolean;
  responsibilityLetter: boolean;
  startDate: Date;
  endDate: Date | null;
  fields: unknown;
  flags: string[];
  idNumberEnc: Uint8Array | null;
  detailsEnc: Uint8Array | null;
  createdAt: Date;
  updatedAt: Date;
};

export function ledgerRepository(db: Database, cipher: FieldCipher) {
  const idContext = (id: string) => `LedgerSubject.idNumber:${id}`;
  const detailsContext = (id: string) => `LedgerSubject.details:${id}`;
  const encId = (id: string, v: string | null | undefined) => (v ? cipher.encrypt(v, idContext(id)) : null);
  const encDetails = (id: string, v: SensitiveDetails | null | undefined) =>
    v && Object.values(v).some((x) => x) ? cipher.encrypt(JSON.stringify(v), detailsContext(id)) : null;

  /** undefined when the ciphertext does not decrypt under any key of the keyring. */
  const tryDecrypt = (enc: Uint8Array, context: string): string | undefined => {
    try {
      return cipher.decrypt(enc, context);
    } catch {
      return undefined;
    }
  };

  function view(r: Row): LedgerSubjectView {
    const idNumber = r.idNumberEnc ? tryDecrypt(r.idNumberEnc, idContext(r.id)) : null;
    return {
      id: r.id,
      communityId: r.communityId,
      category: r.category,
      kind: r.kind,
      displayName: r.displayName,
      riskLevel: r.riskLevel,
      responsibleUserId: r.responsibleUserId,
      guardianLetter: r.guardianLetter,
      responsibilityLetter: r.responsibilityLetter,
      startDate: fromDateColumn(r.startDate),
      endDate: r.endDate ? fromDateColumn(r.endDate) : null,
      fields: textFields(r.fields),
      flags: r.flags,
      idNumberMasked: idNumber ? maskIdNumber(idNumber) : null,
      unreadable: idNumber === undefined,
      hasDetails: r.detailsEnc !== null,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    };
  }

  function createData(input: NewLedgerSubject) {
    const id = randomUUID();
    const { idNumber, details, startDate, fields, ...columns } = input;
    return {
      id,
      ...columns,
      fields: storedFields(fields),
      startDate: toDateColumn(startDate),
      idNumberEnc: encId(id, idNumber),
      detailsEnc: encDetails(id, details),
    };
  }

  /** Blank values are dropped, so "cleared" and "never set" look the same to the completeness check. */
  const storedFields = (fields: LedgerTextFields) =>
    Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v.trim() !== ''));

  const inScope = (scope: string[], id: string) => db.ledgerSubject.findFirst({ where: { id, communityId: { in: scope } } });

  return {
    async list(q: LedgerQuery): Promise<LedgerSubjectView[]> {
      const rows = await db.ledgerSubject.findMany({
        where: {
          communityId: { in: q.communityIds },
          ...(q.category ? { category: q.category } : {}),
          ...(q.includeClosed ? {} : { endDate: null }),
        },
        orderBy: [{ category: 'asc' }, { displayName: 'asc' }],
      });
      return rows.map(view);
    },

    async findById(scope: string[], id: string): Promise<LedgerSubjectView | undefined> {
      const r = await inScope(scope, id);
      return r ? view(r) : undefined;
    },

    /** Decrypted record; writes the audit row of the read before returning it. */
    async readSensitive(scope: string[], id: string, actor: Actor): Promise<LedgerSubjectFull | undefined> {
      const r = await inScope(scope, id);
      if (!r) return undefined;
      await writeAudit(db, actor, {
        action: 'ledger.read_sensitive',
        entity: 'LedgerSubject',
        entityId: id,
        details: { communityId: r.communityId },
      });
      const details = r.detailsEnc ? tryDecrypt(r.detailsEnc, detailsContext(r.id)) : null;
      const shown = view(r);
      return {
        ...shown,
        unreadable: shown.unreadable || details === undefined,
        idNumber: r.idNumberEnc ? (tryDecrypt(r.idNumberEnc, idContext(r.id)) ?? null) : null,
        details: details ? (JSON.parse(details) as SensitiveDetails) : null,
      };
    },

    async create(input: NewLedgerSubject, actor: Actor): Promise<LedgerSubjectView> {
      return db.$transaction(async (tx) => {
        const r = await tx.ledgerSubject.create({ data: createData(input) });
        await writeAudit(tx, actor, {
          action: 'ledger.create',
          entity: 'LedgerSubject',
          entityId: r.id,
          details: { communityId: r.communityId, category: r.category },
        });
        return view(r);
      });
    },

    /** All rows or none (an Excel import). */
    async createMany(inputs: NewLedgerSubject[], actor: Actor): Promise<LedgerSubjectView[]> {
      return db.$transaction(
        async (tx) => {
          const created: LedgerSubjectView[] = [];
          for (const input of inputs) created.push(view(await tx.ledgerSubject.create({ data: createData(input) })));
          await writeAudit(tx, actor, {
            action: 'ledger.import',
            entity: 'LedgerSubject',
            details: { communityId: inputs[0]?.communityId, count: inputs.length, ids: created.map((c) => c.id) },
          });
          return created;
        },
        { timeout: 60_000 },
      );
    },

    async update(id: string, patch: LedgerPatch, actor: Actor): Promise<LedgerSubjectView> {
      return db.$transaction(async (tx) => {
        const { idNumber, details, startDate, fields, ...columns } = patch;
        const r = await tx.ledgerSubject.update({
          where: { id },
          data: {
            ...columns,
            ...(fields !== undefined ? { fields: storedFields(fields) } : {}),
            ...(startDate !== undefined ? { startDate: toDateColumn(startDate) } : {}),
            ...(idNumber !== undefined ? { idNumberEnc: encId(id, idNumber) } : {}),
            ...(details !== undefined ? { detailsEnc: encDetails(id, details) } : {}),
          },
        });
        // The audit row names the changed fields, never their sensitive values.
        await writeAudit(tx, actor, {
          action: 'ledger.update',
          entity: 'LedgerSubject',
          entityId: id,
          details: { fields: Object.keys(patch) },
        });
        return view(r);
      });
    },

    async close(id: string, endDate: string, reason: string, actor: Actor): Promise<LedgerSubjectView> {
      return db.$transaction(async (tx) => {
        const r = await tx.ledgerSubject.update({ where: { id }, data: { endDate: toDateColumn(endDate) } });
        await writeAudit(tx, actor, { action: 'ledger.close', entity: 'LedgerSubject', entityId: id, details: { endDate, reason } });
        return view(r);
      });
    },

    /** Entries of a category still on the ledger (a community with any cannot declare it empty). */
    async countOpen(communityId: string, category: string): Promise<number> {
      return db.ledgerSubject.count({ where: { communityId, category, endDate: null } });
    },

    /** 本社区无此类人员/场所 for one category and year; the unique key makes a second one a conflict. */
    async declareEmpty(input: NewLedgerDeclaration, actor: Actor): Promise<LedgerDeclarationView> {
      return db.$transaction(async (tx) => {
        const r = await tx.ledgerDeclaration.create({ data: { ...input, declaredById: actor.userId } });
        await writeAudit(tx, actor, {
          action: 'ledger.declare_empty',
          entity: 'LedgerDeclaration',
          entityId: r.id,
          details: { communityId: r.communityId, category: r.category, year: r.year, evidenceId: r.evidenceId },
        });
        return r;
      });
    },

    async findDeclaration(communityId: string, category: string, year: number): Promise<LedgerDeclarationView | undefined> {
      return (
        (await db.ledgerDeclaration.findUnique({ where: { communityId_category_year: { communityId, category, year } } })) ?? undefined
      );
    },

    async declarations(communityIds: string[], year: number): Promise<LedgerDeclarationView[]> {
      return db.ledgerDeclaration.findMany({
        where: { communityId: { in: communityIds }, year },
        orderBy: [{ communityId: 'asc' }, { category: 'asc' }],
      });
    },

    /** Whether the evidence file was uploaded for this community. */
    async isEvidenceOf(communityId: string, evidenceId: string): Promise<boolean> {
      return (await db.evidence.count({ where: { id: evidenceId, communityId } })) > 0;
    },

    /** Whether the user is an active member of the community. */
    async isActiveMember(communityId: string, userId: string): Promise<boolean> {
      return (await db.communityMembership.count({ where: { communityId, userId, user: { active: true } } })) > 0;
    },

    /** Who can be responsible for an entry: the community's active members. */
    async activeMembers(communityId: string): Promise<Array<{ id: string; username: string; displayName: string }>> {
      return db.user.findMany({
        where: { active: true, memberships: { some: { communityId } } },
        select: { id: true, username: true, displayName: true },
        orderBy: { username: 'asc' },
      });
    },

    /** user id -> username (the 责任网格员 column of the spreadsheet). */
    async usernamesOf(ids: string[]): Promise<Map<string, string>> {
      const rows = await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, username: true } });
      return new Map(rows.map((u) => [u.id, u.username]));
    },

    /** username -> user id for active members of the community among `usernames`. */
    async membersByUsername(communityId: string, usernames: string[]): Promise<Map<string, string>> {
      const rows = await db.user.findMany({
        where: { username: { in: usernames }, active: true, memberships: { some: { communityId } } },
        select: { id: true, username: true },
      });
      return new Map(rows.map((u) => [u.username, u.id]));
    },
  };
}

export type LedgerRepository = ReturnType<typeof ledgerRepository>;

function textFields(value: unknown): StoredTextFields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
