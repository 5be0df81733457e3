// The scoreboard as the spreadsheet handed upward: one row per rubric clause
// (every one, zero rows too) under its section and item, one column per
// community, then totals, score and rank rows; and a sheet listing every
// deduction behind those figures. Chinese only: no rule ids or codes. Every
// number is copied from the scoreboard and its details (the score function).
import ExcelJS from 'exceljs';
import { formatShanghai } from '../../domain/time/shanghai';
import { PassThrough, type Readable } from 'node:stream';
import type { DetailRow, FullScoreboard } from './scoreboard-service';

export const TOTAL_ROW_LABEL = '扣分合计';
export const SCORE_ROW_LABEL = '得分';
export const RANK_ROW_LABEL = '排名';
export const FULL_TEXT = '本项已扣满';
export const DETAIL_SHEET = '扣分明细';

const COUNTING_TEXT = { 'per-occurrence': '按次扣分', 'per-month': '每月最多扣一次', 'per-year': '全年最多扣一次' } as const;

/** Rows written between two turns of the event loop, so a township-wide export does not hold up other requests. */
const ROWS_PER_TURN = 200;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The workbook, written row by row into the returned stream (exceljs's
 * streaming writer): the response starts at once and memory stays flat
 * however many communities and deductions there are.
 */
export function streamScoreboardWorkbook(board: FullScoreboard, details: readonly DetailRow[]): Readable {
  const out = new PassThrough();
  writeWorkbook(out, board, details).catch((error: unknown) => out.destroy(error as Error));
  return out;
}

async function writeWorkbook(out: PassThrough, board: FullScoreboard, details: readonly DetailRow[]): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
  let written = 0;
  const commit = async (row: ExcelJS.Row) => {
    row.commit();
    if (++written % ROWS_PER_TURN === 0) await nextTurn();
  };

  const sheet = workbook.addWorksheet(`${board.year}年1-${board.month}月`);
  sheet.columns = [12, 16, 48, 16, ...board.communities.map(() => 14)].map((width) => ({ width }));
  const title = `各社区（村）${board.year}年社会治理和应急管理考核扣分（1-${board.month}月累计，基础分${board.baseScore}）`;
  const titleRow = sheet.addRow([title]);
  titleRow.font = { bold: true, size: 14 };
  sheet.mergeCells(1, 1, 1, 4 + board.communities.length);
  await commit(titleRow);
  const header = sheet.addRow(['部分', '考核事项', '扣分标准', '计扣方式', ...board.communities.map((c) => c.name)]);
  header.font = { bold: true };
  await commit(header);
  const byClause = board.communities.map((c) => new Map(c.clauses.map((x) => [x.clauseId, x])));
  for (const clause of board.clauses) {
    const row = sheet.addRow([
      `第${clause.section}部分`,
      clause.item,
      clause.text,
      COUNTING_TEXT[clause.counting],
      ...byClause.map((m) => m.get(clause.clauseId)?.ytdDeducted ?? 0),
    ]);
    byClause.forEach((m, i) => {
      if (m.get(clause.clauseId)?.full) row.getCell(5 + i).note = FULL_TEXT;
    });
    await commit(row);
  }
  if (board.communities.some((c) => c.otherDeducted > 0)) {
    await commit(sheet.addRow(['其他', '', '不在本年细则中的扣分', '', ...board.communities.map((c) => c.otherDeducted)]));
  }
  for (const [label, values] of [
    [TOTAL_ROW_LABEL, board.communities.map((c) => c.ytdDeducted)],
    [SCORE_ROW_LABEL, board.communities.map((c) => c.total)],
    [RANK_ROW_LABEL, board.communities.map((c) => c.rank)],
  ] as const) {
    const row = sheet.addRow([label, '', '', '', ...values]);
    row.font = { bold: true };
    await commit(row);
  }
  sheet.commit();

  const detail = workbook.addWorksheet(DETAIL_SHEET);
  detail.columns = [14, 28, 40, 18, 14, 10, 12, 16, 10].map((width) => ({ width }));
  const detailHeader = detail.addRow(['社区（村）', '考核规则', '扣分条款', '发生时间', '期间', '对象', '扣分', '记录人', '是否撤销']);
  detailHeader.font = { bold: true };
  await commit(detailHeader);
  for (const d of details) {
    await commit(
      detail.addRow([
        d.communityName,
        d.ruleTitle,
        d.clauseText,
        formatShanghai(d.occurredAt),
        d.periodLabel ?? '',
        d.subjectName ?? '',
        d.counted === null ? '不计分（已撤销）' : d.counted === 0 ? FULL_TEXT : d.counted,
        d.recordedByName ?? '系统自动（截止检查）',
        d.reversed ? '是' : '否',
      ]),
    );
  }
  detail.commit();
  await workbook.commit();
}
