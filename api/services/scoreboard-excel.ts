// The scoreboard as the spreadsheet handed upward: one row per rubric clause
// (every one, zero rows too) under its section and item, one column per
// community, then totals, score and rank rows; and a sheet listing every
// deduction behind those figures, community by community in the order of the
// columns. Chinese only: no rule ids or codes. Every number is copied from the
// scoreboard and its details (the score function).
//
// Sized for a prefecture's township (3,000 columns, ~45,000 deductions a
// year): exceljs costs a few microseconds per cell and per distinct style
// object, so a clause cell is written only when it holds points (blank means
// none, as the legend row says), every cell shares one of three style objects,
// and 本项已扣满 is a fill (it prints; a cell note does not, and cost half a
// second at that size). The API runs this in a worker thread
// (scoreboard-export.ts).
import ExcelJS from 'exceljs';
import { formatShanghai } from '../../domain/time/shanghai';
import type { Writable } from 'node:stream';
import type { DetailRow, FullScoreboard } from './scoreboard-service';

/** What the detail sheet shows of a deduction. */
export type DetailLine = Pick<
  DetailRow,
  'communityName' | 'ruleTitle' | 'clauseText' | 'occurredAt' | 'periodLabel' | 'subjectName' | 'counted' | 'recordedByName'
>;

export const TOTAL_ROW_LABEL = '扣分合计';
export const SCORE_ROW_LABEL = '得分';
export const RANK_ROW_LABEL = '排名';
export const FULL_TEXT = '本项已扣满';
export const DETAIL_SHEET = '扣分明细';
export const LEGEND = `说明：空白表示未扣分；浅红底色表示${FULL_TEXT}（本年或本月再有扣分不再计入）。`;

const COUNTING_TEXT = { 'per-occurrence': '按次扣分', 'per-month': '每月最多扣一次', 'per-year': '全年最多扣一次' } as const;

// Shared style objects: exceljs looks a cell's style up by object identity, so one object per look is cheap.
const PLAIN: Partial<ExcelJS.Style> = {};
const BOLD: Partial<ExcelJS.Style> = { font: { bold: true } };
const TITLE: Partial<ExcelJS.Style> = { font: { bold: true, size: 14 } };
export const FULL_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF8CBAD' } };
const FULL: Partial<ExcelJS.Style> = { fill: FULL_FILL };

/** Cells written between two turns of the event loop, so that exports running side by side take turns. */
const CELLS_PER_TURN = 20_000;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Writes the workbook row by row into `out` (exceljs's streaming writer), so
 * memory stays flat however many communities and deductions there are. The
 * first sheet is written before the details are read, so that they may still
 * be arriving; if they fail, or `cancel` fires, this rejects.
 */
export async function writeScoreboardWorkbook(
  out: Writable,
  board: FullScoreboard,
  details: AsyncIterable<readonly DetailLine[]>,
  cancel?: AbortSignal,
): Promise<void> {
  // Shared strings: the detail sheet repeats a few hundred texts (communities, rules, clauses) 45,000 times a year;
  // each is written once and referred to by number (a smaller file, and less XML to escape and compress).
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: true });
  let cellsSinceTurn = 0;
  /** Writes the row out; `style` is given to every cell unless the caller styled them already. */
  const commit = async (row: ExcelJS.Row, style: Partial<ExcelJS.Style> | 'styled' = PLAIN) => {
    // The row's own style too (untyped, but what exceljs reads): a new row has a style object of its own,
    // which exceljs would render and look up again row after row (~5 % of a large export).
    (row as ExcelJS.Row & { style: Partial<ExcelJS.Style> }).style = PLAIN;
    if (style !== 'styled')
      row.eachCell((cell) => {
        cell.style = style;
      });
    cancel?.throwIfAborted(); // an abandoned export stops at the next row
    cellsSinceTurn += row.cellCount;
    row.commit();
    if (cellsSinceTurn >= CELLS_PER_TURN) {
      cellsSinceTurn = 0;
      await nextTurn();
    }
  };
  const communities = board.communities;
  const FIRST = 5; // columns 1-4: section, item, clause text, counting

  const sheet = workbook.addWorksheet(`${board.year}年1-${board.month}月`, {
    views: [{ state: 'frozen', xSplit: FIRST - 1, ySplit: 2 }],
  });
  sheet.columns = [12, 16, 48, 16, ...communities.map(() => 14)].map((width) => ({ width }));
  const title = `各社区（村）${board.year}年社会治理和应急管理考核扣分（1-${board.month}月累计，基础分${board.baseScore}）`;
  const titleRow = sheet.addRow([title]);
  sheet.mergeCells(1, 1, 1, 4 + Math.max(1, communities.length));
  await commit(titleRow, TITLE);
  await commit(sheet.addRow(['部分', '考核事项', '扣分标准', '计扣方式', ...communities.map((c) => c.name)]), BOLD);
  for (const [k, clause] of board.clauses.entries()) {
    const row = sheet.addRow([`第${clause.section}部分`, clause.item, clause.text, COUNTING_TEXT[clause.counting]]);
    row.eachCell((cell) => {
      cell.style = PLAIN;
    });
    for (let i = 0; i < communities.length; i++) {
      const deducted = board.clauseDeducted[i * board.clauses.length + k]!;
      const full = board.clauseFull[i * board.clauses.length + k] === 1;
      if (deducted === 0 && !full) continue;
      const cell = row.getCell(FIRST + i);
      cell.value = deducted;
      cell.style = full ? FULL : PLAIN;
    }
    await commit(row, 'styled');
  }
  if (communities.some((c) => c.otherDeducted > 0)) {
    await commit(sheet.addRow(['其他', '', '不在本年细则中的扣分', '', ...communities.map((c) => c.otherDeducted || null)]));
  }
  for (const [label, values] of [
    [TOTAL_ROW_LABEL, communities.map((c) => c.ytdDeducted)],
    [SCORE_ROW_LABEL, communities.map((c) => c.total)],
    [RANK_ROW_LABEL, communities.map((c) => c.rank)],
  ] as const) {
    await commit(sheet.addRow([label, '', '', '', ...values]), BOLD);
  }
  await commit(sheet.addRow([LEGEND]));
  sheet.commit();

  const detail = workbook.addWorksheet(DETAIL_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  detail.columns = [14, 28, 40, 18, 14, 10, 16, 16].map((width) => ({ width }));
  await commit(detail.addRow(['社区（村）', '考核规则', '扣分条款', '发生时间', '期间', '对象', '扣分', '记录人']), BOLD);
  for await (const part of details) {
    for (const d of part) {
      await commit(
        detail.addRow([
          d.communityName,
          d.ruleTitle,
          d.clauseText,
          formatShanghai(d.occurredAt),
          // undefined, not null, for an empty field: no cell at all (exceljs makes a cell for null, with a style of its own).
          d.periodLabel ?? undefined,
          d.subjectName ?? undefined,
          d.counted === null ? '不计分（已撤销）' : d.counted === 0 ? FULL_TEXT : d.counted,
          d.recordedByName ?? '系统自动（截止检查）',
        ]),
      );
    }
  }
  detail.commit();
  await workbook.commit();
}
