// The module web/rulebook-plugin.ts generates from rulebooks/2022.yaml.
declare module 'virtual:rulebook' {
  export interface BundledRule {
    id: string;
    section: number;
    item: string;
    title: string;
    kind: string;
    clause: string;
    requirement: string | null;
    note: string | null;
    cadence: unknown;
    evidence: { minCount: number; types: string[] };
    amount: number;
    basis: string | null;
  }
  export interface SensitiveWindowDef {
    id: string;
    name: string;
    start: Record<string, string>;
    end: Record<string, string>;
    daysBefore?: number;
    daysAfter?: number;
    note?: string;
  }
  const rulebook: {
    year: number;
    version: number;
    title: string;
    baseScore: number;
    sections: Array<{ number: number; title: string }>;
    sensitiveWindows: SensitiveWindowDef[];
    seasons: Array<{ id: string; name: string; start: string; end: string }>;
    /** ledger category code -> Chinese name */
    categories: Record<string, string>;
    rules: BundledRule[];
  };
  export default rulebook;
}
