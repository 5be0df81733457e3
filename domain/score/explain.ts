/**
 * explainDeduction: the Chinese explanation shown next to every deduction on
 * the scoreboard and in exports: rule, clause, community, period or subject,
 * what was missing, the deadline, and who or which check recorded it.
 * People read it: names and titles only, never rule ids, UUIDs or codes.
 */
import type { Rulebook } from '../rulebook/types';
import { formatDeadline, formatShanghai } from '../time/shanghai';
import type { Deduction, Recorder, Reversal } from './types';

export interface ExplainContext {
  readonly rulebook: Rulebook;
  readonly communityName?: string;
  readonly subjectName?: string;
  readonly reversal?: Reversal;
}

const BASIS_TEXT = {
  'per-period': '按期扣分',
  'per-subject': '按人（场所）每期扣分',
  'per-occurrence': '按次扣分',
} as const;

function formatPoints(points: number): string {
  return Number.isInteger(points) ? String(points) : points.toFixed(1).replace(/\.0$/, '');
}

/** The automatic checks by what they look at; an unknown check is just "系统自动检查". */
const CHECK_TEXT: Record<string, string> = {
  deadline: '截止时间',
  'deadline-check': '截止时间',
  ledger: '台账完整性',
  'ledger-gaps': '台账完整性',
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function describeRecorder(recorder: Recorder): string {
  if (recorder.kind === 'automatic') return CHECK_TEXT[recorder.check] ? `系统自动检查（${CHECK_TEXT[recorder.check]}）` : '系统自动检查';
  return recorder.name ?? '工作人员';
}

export function explainDeduction(deduction: Deduction, context: ExplainContext): string {
  const rule = context.rulebook.rules.find((r) => r.id === deduction.ruleId);
  const lines: string[] = [];
  const amount = formatPoints(deduction.amount);

  if (rule) {
    const where = rule.item === rule.sectionTitle ? rule.item : `${rule.sectionTitle} · ${rule.item}`;
    lines.push(`扣${amount}分：第${rule.section}项 ${where}「${rule.title}」（${BASIS_TEXT[rule.deduction.basis]}）`);
    lines.push(`依据条款：“${rule.clause}”`);
  } else {
    lines.push(`扣${amount}分：该事项不在 ${context.rulebook.year} 年第${context.rulebook.version}版细则中`);
  }

  const parts = context.communityName ? [`社区（村）：${context.communityName}`] : [];
  if (deduction.periodKey) parts.push(`期间：${deduction.periodLabel ?? deduction.periodKey}`);
  if (deduction.subjectId) parts.push(`对象：${context.subjectName ?? '台账对象'}`);
  // An occurrence number a person typed (信访编号) is shown; a generated UUID is not.
  if (deduction.occurrenceId && !UUID.test(deduction.occurrenceId)) parts.push(`事件编号：${deduction.occurrenceId}`);
  if (parts.length) lines.push(parts.join('；'));

  lines.push(`${deduction.dueAt ? '缺失' : '情况'}：${deduction.missing}`);
  if (deduction.dueAt) lines.push(`截止时间：${formatDeadline(deduction.dueAt)}（北京时间）前未完成`);
  lines.push(`记录：${describeRecorder(deduction.recordedBy)}，${formatShanghai(deduction.recordedAt)}`);

  if (context.reversal) {
    const r = context.reversal;
    lines.push(`已撤销（申诉成立）：${describeRecorder(r.reversedBy)}于 ${formatShanghai(r.reversedAt)} 撤销，理由：${r.reason}`);
  }
  return lines.join('\n');
}
