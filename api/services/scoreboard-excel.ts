// The scoreboard as the spreadsheet handed upward: one row per rubric clause
// (every one, zero rows too) under its section and item, one column per
// community, then totals, score and rank rows; and a sheet listing every
// deduction behind those figures. Chinese only: no rule ids or codes. Every
// number is copied from the scoreboard and its details (the score function).
import ExcelJS from 'exceljs';
import { formatShanghai } from '../../domain/time/shanghai';
import type { DetailRow, Scoreboard } from './scoreboard-service';

export const TOTAL_ROW_LABEL = '扣分合计';
export const SCORE_ROW_LABEL = '得分';
export const RANK_ROW_LABEL = '排名';
export const FULL_TEXT = '本项已扣满';
export const DETAIL_SHEET = '扣分明细';

const COUNTING_TEXT = { 'per-occurrence': '按次扣分', 'per-month': '每月最多扣一次', 'per-year': '全年最多扣一次' } as const;

export async function buildScoreboardWorkbook(board: Scoreboard, details: readonly DetailRow[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(`${board.year}年1-${board.month}月`);
  const title = `各社区（村）${board.year}年社会治理和应急管理考核扣分（1-${board.month}月累计，基础分${board.baseScore}）`;
  sheet.addRow([title]);
  sheet.mergeCells(1, 1, 1, 4 + board.communities.length);
  sheet.getRow(1).font = { bold: true, size: 14 };
  sheet.addRow(['部分', '考核事项', '扣分标准', '计扣方式', ...board.communities.map((c) => c.name)]);
  sheet.getRow(2).font = { bold: true };
  for (const clause of board.clauses) {
    const row = sheet.addRow([
      `第${clause.section}部分`, clause.item, clause.text, COUNTING_TEXT[clause.counting],
      ...board.communities.map((c) => c.clauses.find((x) => x.clauseId === clause.clauseId)?.ytdDeducted ?? 0),
    ]);
    board.communities.forEach((c, i) => {
      if (c.clauses.find((x) => x.clauseId === clause.clauseId)?.full) row.getCell(5 + i).note = FULL_TEXT;
    });
  }
  if (board.communities.some((c) => c.otherDeducted > 0)) {
    sheet.addRow(['其他', '', '不在本年细则中的扣分', '', ...board.communities.map((c) => c.otherDeducted)]);
  }
  for (const [label, values] of [
    [TOTAL_ROW_LABEL, board.communities.map((c) => c.ytdDeducted)],
    [SCORE_ROW_LABEL, board.communities.map((c) => c.total)],
    [RANK_ROW_LABEL, board.communities.map((c) => c.rank)],
  ] as const) {
    const row = sheet.addRow([label, '', '', '', ...values]);
    row.font = { bold: true };
  }
  sheet.getColumn(1).width = 12;
  sheet.getColumn(2).width = 16;
  sheet.getColumn(3).width = 48;
  sheet.getColumn(4).width = 16;
  for (let i = 0; i < board.communities.length; i += 1) sheet.getColumn(5 + i).width = 14;

  const detail = workbook.addWorksheet(DETAIL_SHEET);
  detail.addRow(['社区（村）', '考核规则', '扣分条款', '发生时间', '期间', '对象', '扣分', '记录人', '是否撤销']);
  detail.getRow(1).font = { bold: true };
  for (const d of details) {
    detail.addRow([
      d.communityName, d.ruleTitle, d.clauseText, formatShanghai(d.occurredAt), d.periodLabel ?? '', d.subjectName ?? '',
      d.counted === null ? '不计分（已撤销）' : d.counted === 0 ? FULL_TEXT : d.counted,
      d.recordedByName ?? '系统自动（截止检查）', d.reversed ? '是' : '否',
    ]);
  }
  [14, 28, 40, 18, 14, 10, 12, 16, 10].forEach((width, i) => { detail.getColumn(i + 1).width = width; });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
