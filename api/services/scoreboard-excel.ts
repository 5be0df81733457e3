// The scoreboard as the spreadsheet handed upward: one row per rubric
// section/item, one column per community, then totals, score and rank rows.
import ExcelJS from 'exceljs';
import type { Scoreboard } from './scoreboard-service';

export const TOTAL_ROW_LABEL = '扣分合计';
export const SCORE_ROW_LABEL = '得分';
export const RANK_ROW_LABEL = '排名';

export async function buildScoreboardWorkbook(board: Scoreboard): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(`${board.year}年1-${board.month}月`);
  const title = `各社区（村）${board.year}年社会治理和应急管理考核扣分（1-${board.month}月累计，基础分${board.baseScore}）`;
  sheet.addRow([title]);
  sheet.mergeCells(1, 1, 1, 2 + board.communities.length);
  sheet.getRow(1).font = { bold: true, size: 14 };
  sheet.addRow(['部分', '考核事项', ...board.communities.map((c) => c.name)]);
  sheet.getRow(2).font = { bold: true };
  for (const r of board.rows) {
    sheet.addRow([`第${r.section}部分`, r.item, ...board.communities.map((c) => c.items.find((i) => i.section === r.section && i.item === r.item)?.ytdDeducted ?? 0)]);
  }
  for (const [label, values] of [
    [TOTAL_ROW_LABEL, board.communities.map((c) => c.ytdDeducted)],
    [SCORE_ROW_LABEL, board.communities.map((c) => c.total)],
    [RANK_ROW_LABEL, board.communities.map((c) => c.rank)],
  ] as const) {
    const row = sheet.addRow([label, '', ...values]);
    row.font = { bold: true };
  }
  sheet.getColumn(1).width = 12;
  sheet.getColumn(2).width = 36;
  for (let i = 0; i < board.communities.length; i += 1) sheet.getColumn(3 + i).width = 14;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
