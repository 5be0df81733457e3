// The export's worker thread, driven as the route drives it: a scoreboard and
// deductions arriving part by part. The file is read back with exceljs.
import ExcelJS from 'exceljs';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DETAIL_SHEET, FULL_FILL } from './scoreboard-excel';
import { stopExportWorker, streamScoreboardWorkbook } from './scoreboard-export';
import type { CommunityScoreRow, DetailRow, FullScoreboard } from './scoreboard-service';

const community = (id: string, name: string, rank: number, ytdDeducted: number): CommunityScoreRow => ({
  id,
  code: id,
  name,
  rank,
  total: 100 - ytdDeducted,
  totalByMonth: [100 - ytdDeducted],
  ytdDeducted,
  monthDeducted: ytdDeducted,
  openObligationsThisMonth: 0,
  pointsAtRiskThisMonth: 0,
  otherDeducted: 0,
});

const board: FullScoreboard = {
  year: 2026,
  month: 1,
  baseScore: 100,
  rankOutOf: 2,
  rows: [{ section: '1', item: '反诈' }],
  clauses: [
    { section: '1', item: '反诈', clauseId: 'a', text: '每月未开展宣传扣1分', amount: 1, counting: 'per-month' },
    { section: '1', item: '反诈', clauseId: 'b', text: '出现一起扣2分', amount: 2, counting: 'per-occurrence' },
  ],
  communities: [community('c1', '东村', 1, 1), community('c2', '西村', 2, 4)],
  // row-major: community × clause
  clauseDeducted: Float64Array.from([1, 0, 0, 4]),
  clauseFull: Uint8Array.from([1, 0, 0, 0]),
};

const detail = (communityName: string, counted: number | null): DetailRow => ({
  id: `${communityName}-${counted}`,
  communityId: communityName,
  ruleId: 'fraud.publicity',
  points: 1,
  explanation: '',
  occurredAt: new Date('2026-01-31T16:00:00Z'),
  periodLabel: '2026年1月',
  subjectName: null,
  recordedByName: null,
  reversed: counted === null,
  communityName,
  item: '反诈',
  ruleTitle: '反诈宣传',
  clauseText: '每月未开展宣传扣1分',
  counted,
});

async function* parts(...list: DetailRow[][]): AsyncGenerator<DetailRow[]> {
  for (const part of list) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    yield part;
  }
}

async function download(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('the scoreboard export in its worker thread', () => {
  it('writes both sheets from the board and every part of the details, in the order they came', async () => {
    const file = await download(
      streamScoreboardWorkbook(board, parts([detail('东村', 1), detail('东村', 0)], [detail('西村', 2), detail('西村', null)])),
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file as unknown as ExcelJS.Buffer);
    const sheet = wb.worksheets[0]!;
    expect((sheet.getRow(2).values as unknown[]).slice(5)).toEqual(['东村', '西村']);
    expect([sheet.getRow(3).getCell(5).value, sheet.getRow(3).getCell(5).fill]).toEqual([1, FULL_FILL]);
    expect(sheet.getRow(4).getCell(6).value).toBe(4);
    const lines = wb.getWorksheet(DETAIL_SHEET)!;
    expect([2, 3, 4, 5].map((r) => [lines.getRow(r).getCell(1).value, lines.getRow(r).getCell(7).value])).toEqual([
      ['东村', 1],
      ['东村', '本项已扣满'],
      ['西村', 2],
      ['西村', '不计分（已撤销）'],
    ]);
    expect(lines.rowCount).toBe(5);
  });

  it('fails the download when the details cannot be read, and the next export still works', async () => {
    async function* failing(): AsyncGenerator<DetailRow[]> {
      yield [detail('东村', 1)];
      throw new Error('connection lost');
    }
    await expect(download(streamScoreboardWorkbook(board, failing()))).rejects.toThrow('connection lost');
    const next = await download(streamScoreboardWorkbook(board, parts([detail('东村', 1)])));
    expect(next.subarray(0, 2).toString()).toBe('PK');
  });

  it('fails the downloads in flight when the worker dies, and the next export starts a new worker', async () => {
    async function* slow(): AsyncGenerator<DetailRow[]> {
      yield [detail('东村', 1)];
      await new Promise((resolve) => setTimeout(resolve, 10_000));
    }
    const inFlight = download(streamScoreboardWorkbook(board, slow()));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await stopExportWorker();
    await expect(inFlight).rejects.toThrow(/export worker stopped/);
    const next = await download(streamScoreboardWorkbook(board, parts([detail('西村', 2)])));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(next as unknown as ExcelJS.Buffer);
    expect(wb.getWorksheet(DETAIL_SHEET)!.getRow(2).getCell(1).value).toBe('西村');
  });

  it('does not keep a process alive once the worker is idle', () => {
    const entry = new URL('./scoreboard-export.ts', import.meta.url).href;
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', `import { warmExportWorker } from '${entry}'; warmExportWorker();`],
      { timeout: 20_000, encoding: 'utf8' },
    );
    expect([child.status, child.signal, child.stderr]).toEqual([0, null, '']);
  });

  it('lets an export whose reader gave up go while others running beside it complete', async () => {
    const abandoned = streamScoreboardWorkbook(board, parts([detail('东村', 1)], [detail('西村', 2)]));
    const beside = download(streamScoreboardWorkbook(board, parts([detail('西村', 2)])));
    abandoned.destroy();
    const file = await beside;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file as unknown as ExcelJS.Buffer);
    expect(wb.getWorksheet(DETAIL_SHEET)!.getRow(2).getCell(1).value).toBe('西村');
  });
});
