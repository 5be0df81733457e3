// A secretary keeps the community's ledgers in headless Chromium against the
// real API and PostgreSQL: adds people (every field the check needs), edits
// one, imports an Excel file in the Chinese template (row errors shown first,
// nothing saved), reads full details with the audit notice, and closes an
// entry with a reason. Every step asserts what the page shows; the database
// is read only to prove "nothing saved" and "audited".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { connectTestStack, type TestStack } from '../support/stack';
import { createTestTownship, type TestTownship } from '../support/fixtures';
import { idNumber } from '../api/support';
import { openWebApp, screenshot, DESKTOP, type WebApp } from './support';

async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('台账');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('web UI: a secretary keeps the ledgers', () => {
  let stack: TestStack;
  let web: WebApp;
  let page: Page;
  let t: TestTownship;
  const consoleErrors: string[] = [];
  const ZHOU_ID = idNumber('51010419700101123');

  beforeAll(async () => {
    stack = await connectTestStack();
    web = await openWebApp(stack, { taskQueue: 'ledgers-e2e', ledgerEncryptionKey: randomBytes(32).toString('base64') });
    page = web.page;
    t = await createTestTownship(stack.db, 'ledgers');
    await web.loginAs(t.usernames.secretary, DESKTOP);
    // From here on the page should log no error (before login, /api/auth/me answers 401 by design; browsers ask for a favicon there is none of).
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) consoleErrors.push(`${m.text()} ${m.location().url}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  });

  afterAll(async () => {
    await web?.close();
    await stack?.close();
  });

  const table = () => page.getByRole('table', { name: '台账' });
  const rowOf = (name: string) =>
    table()
      .getByRole('row')
      .filter({ has: page.getByRole('button', { name, exact: true }) });

  async function openLedgers() {
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '台账' }).click();
    await page.getByRole('heading', { name: '台账', level: 1 }).waitFor();
  }

  it('adds a petitioner with every field the check needs, and one with a gap the list points out', async () => {
    await openLedgers();
    await page.getByRole('button', { name: '新增' }).click();
    let form = page.getByRole('form', { name: /新增台账条目/ });
    await form.getByLabel('类别').selectOption({ label: '信访重点人员' });
    await form.getByLabel('姓名/名称').fill('周某');
    await form.getByLabel('身份证号').fill(ZHOU_ID);
    await form.getByLabel('列入台账日期').fill('2026-01-05');
    await form.getByLabel('网格员').selectOption({ label: 'staff' });
    await form.getByLabel('住址').fill('清水社区三组12号');
    await form.getByLabel('信访诉求').fill('征地补偿争议');
    await form.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '已新增“周某”' }).waitFor();
    await expect(rowOf('周某').textContent()).resolves.toContain('信息齐全');
    await expect(rowOf('周某').textContent()).resolves.toContain('信访重点人员');

    await page.getByRole('button', { name: '新增' }).click();
    form = page.getByRole('form', { name: /新增台账条目/ });
    await form.getByLabel('类别').selectOption({ label: '信访重点人员' });
    await form.getByLabel('姓名/名称').fill('钱某');
    await form.getByLabel('住址').fill('二组');
    await form.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '已新增“钱某”' }).waitFor();
    const gap = await rowOf('钱某').textContent();
    expect(gap).toContain('缺少：身份证号、信访诉求');
    expect(gap).toContain('未落实');
  });

  it('edits the entry with a gap until the list shows it complete', async () => {
    await rowOf('钱某').getByRole('button', { name: '钱某' }).click();
    await page.getByRole('heading', { name: '钱某' }).waitFor();
    await page.getByRole('button', { name: '修改' }).click();
    const form = page.getByRole('form', { name: '修改“钱某”' });
    await form.getByLabel('身份证号').fill(idNumber('51010419800202456'));
    await form.getByLabel('信访诉求').fill('拆迁安置');
    await form.getByLabel('网格员').selectOption({ label: 'staff' });
    await form.getByRole('button', { name: '保存' }).click();
    await page.getByRole('status').filter({ hasText: '已保存“钱某”' }).waitFor();
    await page.locator('main').getByText('信息齐全').waitFor(); // once the list has reloaded
    await page.getByRole('button', { name: /返回/ }).click();
    await expect(rowOf('钱某').textContent()).resolves.toContain('信息齐全');
  });

  it('imports the Chinese template: row errors first with nothing saved, then the corrected file', async () => {
    const header = ['类别', '姓名或名称', '风险等级', '身份证号', '住址', '监护人', '责任网格员', '开始日期'];
    const before = await stack.db.ledgerSubject.count({ where: { communityId: t.community.id } });
    await page.getByRole('button', { name: '从 Excel 导入' }).click();
    await page.getByLabel('选择 .xlsx 文件').setInputFiles({
      name: '台账.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await xlsx([
        header,
        ['严重精神病人', '孙某', '重度', idNumber('51010419900303789'), '四组', '孙父', t.usernames.staff, '2026-02-01'],
        ['严重精神病人', '李某', '特别严重', '', '五组', '', t.usernames.staff, '2026-02-01'],
      ]),
    });
    const problems = page.getByRole('table', { name: '导入问题' });
    await problems.waitFor();
    await expect(problems.textContent()).resolves.toContain('第3行风险等级应为 轻度/中度/重度');
    await expect(page.getByRole('button', { name: '确认导入' }).isDisabled()).resolves.toBe(true);
    expect(await stack.db.ledgerSubject.count({ where: { communityId: t.community.id } })).toBe(before);

    await page.getByLabel('选择 .xlsx 文件').setInputFiles({
      name: '台账.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await xlsx([
        header,
        ['严重精神病人', '孙某', '重度', idNumber('51010419900303789'), '四组', '孙父', t.usernames.staff, '2026-02-01'],
        ['严重精神病人', '李某', '轻度', idNumber('51010419910404321'), '五组', '李母', t.usernames.staff, '2026-02-01'],
      ]),
    });
    await page.getByText('检查通过，共 2 条').waitFor();
    await page.getByRole('button', { name: '确认导入' }).click();
    await page.getByRole('status').filter({ hasText: '已导入 2 条' }).waitFor();
    await expect(rowOf('孙某').textContent()).resolves.toContain('重度');
    await expect(rowOf('李某').textContent()).resolves.toContain('信息齐全');
    // Search and filters narrow the list.
    await page.getByLabel('搜索').fill('孙');
    await expect.poll(() => table().getByRole('row').count()).toBe(2); // header + 孙某
    await page.getByLabel('搜索').fill('');
    await page.getByLabel('类别').selectOption({ label: '信访重点人员' });
    await expect.poll(() => rowOf('孙某').count()).toBe(0);
    await expect.poll(() => rowOf('周某').count()).toBe(1);
    await page.getByLabel('类别').selectOption({ label: '全部' });
    await rowOf('孙某').waitFor();
    await screenshot(page, 'ledgers.png', { fullPage: true, docs: true });
  });

  it('shows full details only after a visible notice that the read is logged, and logs it', async () => {
    await rowOf('周某').getByRole('button', { name: '周某' }).click();
    const main = page.locator('main');
    await expect(main.textContent()).resolves.not.toContain(ZHOU_ID);
    await page.getByText('会记录在审计日志中').waitFor();
    await page.getByRole('button', { name: '查看完整信息' }).click();
    await page.getByText('本次查看已记入审计日志').waitFor();
    await expect(main.textContent()).resolves.toContain(ZHOU_ID);
    const zhou = await stack.db.ledgerSubject.findFirstOrThrow({ where: { communityId: t.community.id, displayName: '周某' } });
    expect(
      await stack.db.auditLog.count({ where: { action: 'ledger.read_sensitive', entityId: zhou.id, actorId: t.users.secretary } }),
    ).toBe(1);
    await page.getByRole('button', { name: /返回/ }).click();
  });

  it('closes an entry with a reason; it leaves the list and stays under 含已销号', async () => {
    await rowOf('李某').getByRole('button', { name: '李某' }).click();
    await page.getByRole('button', { name: '销号' }).click();
    const form = page.getByRole('form', { name: '销号“李某”' });
    await form.getByLabel('销号原因').fill('迁出本社区');
    await form.getByRole('button', { name: '确认销号' }).click();
    await page.getByRole('status').filter({ hasText: '已销号“李某”' }).waitFor();
    await expect.poll(() => rowOf('李某').count()).toBe(0);
    await page.getByLabel('含已销号').check();
    await expect(rowOf('李某').textContent()).resolves.toContain('销号');
    const closed = await stack.db.auditLog.findFirstOrThrow({ where: { action: 'ledger.close', actorId: t.users.secretary } });
    expect(closed.details).toMatchObject({ reason: '迁出本社区' });
    expect(consoleErrors).toEqual([]);
  });
});
