/**
 * A small valid rulebook for tests, and a helper to build variants of it.
 * Test-only: not exported from domain/index.ts.
 */
import { parseDocument } from 'yaml';

export const MINIMAL_RULEBOOK_YAML = `
year: 2022
version: 1
effectiveFrom: "2022-01-01"
title: test rulebook
timezone: Asia/Shanghai
baseScore: 100
sections:
  - { number: 2, title: 防电信诈骗 }
  - { number: 6, title: 安全工作 }
settings:
  defaults:
    reminders: ["-P7D", "-P1D", "PT0S"]
    escalation: standard
    requiresReview: true
    evidence: { minCount: 1, types: [photo] }
  escalationPolicies:
    standard:
      steps:
        - { role: secretary, wait: PT0S }
        - { role: area-leader, wait: P2D }
        - { role: political-legal, wait: P3D }
      repeatEvery: P1D
  regularCadence:
    default: { every: quarter, count: 1 }
  subjectCategories:
    drug-user:
      name: 涉毒人员
      visits: { low: quarter, medium: month, high: half-month }
    petitioner: { name: 信访重点人员 }
  defaultRiskLevel: medium
  newSubjectGraceDays: 7
  seasons:
    - { id: flood, name: 汛期, start: "05-01", end: "09-30" }
  sensitiveWindows:
    - { id: national-day, name: 国庆, start: { solar: "10-01" }, end: { solar: "10-07" }, daysBefore: 3 }
clauses:
  - { id: fraud.monthly-work, section: 2, item: 防电信诈骗, amount: 1, counting: per-month, text: 每月未开展宣传、摸排相关工作，每次扣1分 }
  - { id: drugs.visit, section: 2, item: 防电信诈骗, amount: 1, counting: per-occurrence, text: 不按期开展走访每次扣1分 }
  - { id: flood.duty, section: 6, item: 防汛, amount: 2, counting: per-year, text: 未落实值班值守扣2分 }
rules:
  - id: fraud.publicity
    section: 2
    item: 防电信诈骗
    title: 每月宣传
    kind: periodic
    cadence: { every: month, count: 1 }
    deduction: { amount: 1, basis: per-period }
    clause: fraud.monthly-work
  - id: drugs.visit
    section: 2
    item: 防电信诈骗
    title: 走访
    kind: visit
    subjects: drug-user
    deduction: { amount: 1, basis: per-subject }
    clause: drugs.visit
  - id: flood.duty
    section: 6
    item: 防汛
    title: 值班
    kind: seasonal-duty
    season: flood
    deduction: { amount: 2, basis: per-period }
    clause: flood.duty
`;

type Json = Record<string, unknown>;

/** Parse the minimal rulebook, let `edit` change it, and print it back as YAML. */
export function rulebookYaml(edit: (doc: Json & { rules: Json[]; settings: Json }) => void = () => {}): string {
  const doc = parseDocument(MINIMAL_RULEBOOK_YAML).toJS() as Json & { rules: Json[]; settings: Json };
  edit(doc);
  return parseDocument(JSON.stringify(doc)).toString();
}
