// Bundles a trimmed copy of the rulebook into the admin/official pages as the
// module `virtual:rulebook`: the rubric is data in the repository, so the
// viewer reads the same YAML the worker reads (validated by the rulebook
// tests). A rule names its clause by id; the page shows the clause's text.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Plugin } from 'vite';

const ID = 'virtual:rulebook';
const RESOLVED = '\0' + ID;

interface RawRule {
  id: string;
  section: number;
  item: string;
  title: string;
  kind: string;
  clause?: string;
  requirement?: string;
  note?: string;
  cadence?: unknown;
  evidence?: { minCount?: number; types?: string[] };
  deduction?: { amount?: number; basis?: string };
}

export function rulebookPlugin(file: string): Plugin {
  return {
    name: 'duban-rulebook',
    resolveId: (id) => (id === ID ? RESOLVED : undefined),
    load(id) {
      if (id !== RESOLVED) return undefined;
      this.addWatchFile(file);
      const book = parse(readFileSync(file, 'utf8')) as {
        year: number;
        version: number;
        title: string;
        baseScore: number;
        sections: Array<{ number: number; title: string }>;
        settings: {
          sensitiveWindows?: unknown[];
          seasons?: unknown[];
          subjectCategories?: Record<string, { name: string }>;
          defaults?: { evidence?: { minCount?: number; types?: string[] } };
        };
        clauses?: Array<{ id: string; text: string }>;
        rules: RawRule[];
      };
      const clauseText = new Map((book.clauses ?? []).map((c) => [c.id, c.text]));
      const fallbackEvidence = book.settings.defaults?.evidence ?? { minCount: 1, types: ['photo'] };
      const data = {
        year: book.year,
        version: book.version,
        title: book.title,
        baseScore: book.baseScore,
        sections: book.sections,
        sensitiveWindows: book.settings.sensitiveWindows ?? [],
        seasons: book.settings.seasons ?? [],
        categories: Object.fromEntries(Object.entries(book.settings.subjectCategories ?? {}).map(([k, v]) => [k, v.name])),
        rules: book.rules.map((r) => ({
          id: r.id,
          section: r.section,
          item: r.item,
          title: r.title,
          kind: r.kind,
          clause: (r.clause && clauseText.get(r.clause)) ?? '',
          requirement: r.requirement ?? null,
          note: r.note ?? null,
          cadence: typeof r.cadence === 'object' ? r.cadence : (r.cadence ?? null),
          evidence: {
            minCount: r.evidence?.minCount ?? fallbackEvidence.minCount ?? 1,
            types: r.evidence?.types ?? fallbackEvidence.types ?? [],
          },
          amount: r.deduction?.amount ?? 0,
          basis: r.deduction?.basis ?? null,
        })),
      };
      return `export default ${JSON.stringify(data)};`;
    },
  };
}
