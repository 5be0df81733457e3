/**
 * explainDeduction: the Chinese explanation shown next to every deduction on
 * the scoreboard and in exports: rule, clause, community, period or subject,
 * what was missing, the deadline, and who or which check recorded it.
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

function describeRecorder(recorder: Recorder): string {
  if (recorder.kind === 'automatic') return `自动检查「${recorder.check}」`;
  return recorder.name ? `${recorder.name}（${recorder.userId}）` : `用户 ${recorder.userId}`;
}

export function explainDeduction(deduction: Deduction, context: ExplainContext): string {
  const rule = context.rulebook.rules.find((r) => r.id === deduction.ruleId);
  const lines: string[] = [];
  const amount = formatPoints(deduction.amount);

  if (rule) {
    const where = rule.item === rule.sectionTitle ? rule.item : `${rule.sectionTitle} · ${rule.item}`;
    lines.push(`扣${amount}分：第${rule.section}项 ${where}「${rule.title}」（规则 ${rule.id}，${BASIS_TEXT[rule.deduction.basis]}）`);
    lines.push(`依据条款：“${rule.clause}”`);
  } else {
    lines.push(`扣${amount}分：规则 ${deduction.ruleId}（不在 ${context.rulebook.year} 年第${context.rulebook.version}版细则中）`);
  }

  const community = context.communityName ? `${context.communityName}（${deduction.communityId}）` : deduction.communityId;
  const parts = [`社区（村）：${community}`];
  if (deduction.periodKey) parts.push(`期间：${deduction.periodLabel ?? deduction.periodKey}（${deduction.periodKey}）`);
  if (deduction.subjectId) {
    parts.push(`对象：${context.subjectName ? `${context.subjectName}（${deduction.subjectId}）` : deduction.subjectId}`);
  }
  if (deduction.occurrenceId) parts.push(`事件编号：${deduction.occurrenceId}`);
  lines.push(parts.join('；'));

  lines.push(`${deduction.dueAt ? '缺失' : '情况'}：${deduction.missing}`);
  if (deduction.dueAt) lines.push(`截止时间：${formatDeadline(deduction.dueAt)}（北京时间）前未完成`);
  lines.push(`记录：${describeRecorder(deduction.recordedBy)}，${formatShanghai(deduction.recordedAt)}`);

  if (context.reversal) {
    const r = context.reversal;
    lines.push(`已撤销（申诉成立）：${describeRecorder(r.reversedBy)}于 ${formatShanghai(r.reversedAt)} 撤销，理由：${r.reason}`);
  }
  return lines.join('\n');
}
