// Helpers for the browser tests: build the SPA, serve it from the real API,
// start Debian's Chromium with a throw-away profile, log in and move between
// pages as a person does, and make a real JPEG in the page (no image fixtures).
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { ensureChromium } from '../../stack/provision';
import { fileURLToPath } from 'node:url';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../../api/app';
import { composeApp } from '../../api/compose';
import type { TestStack } from '../support/stack';
import { TEST_PASSWORD } from '../support/fixtures';

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 900 };
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const webConfig = fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url));

/** Build web/dist from the current source, so the test never runs a stale bundle. */
export async function buildWeb(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: webConfig, logLevel: 'warn' });
}

export async function launchChromium(userDataDir: string): Promise<BrowserContext> {
  ensureChromium(CHROMIUM, (line) => console.log(`[e2e] ${line}`));
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: PHONE,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A small JPEG drawn on a canvas in the page, as bytes. */
export interface WebApp {
  app: FastifyInstance;
  /** http://127.0.0.1:<port> */
  base: string;
  browser: BrowserContext;
  page: Page;
  /** Logs in through the login page, afresh (cookies cleared), at this viewport. */
  loginAs(username: string, viewport: { width: number; height: number }): Promise<void>;
  /** Opens a page of the app by its hash path and waits until nothing on it is still loading. */
  go(hashPath: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * What every browser test starts from: the web UI built from the current
 * source, served by the real API (buildApp on the test stack, loopback port),
 * and a headless Chromium with one page.
 */
export async function openWebApp(stack: TestStack, opts: { taskQueue: string; ledgerEncryptionKey?: string }): Promise<WebApp> {
  await buildWeb();
  const app = await buildApp(
    await composeApp({
      db: stack.db,
      temporal: stack.client,
      namespace: stack.namespace,
      taskQueue: opts.taskQueue,
      ...(opts.ledgerEncryptionKey ? { ledgerEncryptionKey: opts.ledgerEncryptionKey } : {}),
    }),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  const base = `http://127.0.0.1:${address.port}`;
  const profile = mkdtempSync(path.join(os.tmpdir(), 'duban-chromium-'));
  const browser = await launchChromium(profile);
  const page = browser.pages()[0] ?? (await browser.newPage());
  return {
    app,
    base,
    browser,
    page,
    async loginAs(username, viewport) {
      await browser.clearCookies();
      await page.setViewportSize(viewport);
      // A hash-only change is not a page load: leave the page so the app starts afresh without the cookie.
      await page.goto('about:blank');
      await page.goto(`${base}/#/`);
      await page.getByLabel('用户名').fill(username);
      await page.getByLabel('密码').fill(TEST_PASSWORD);
      await page.getByRole('button', { name: '登录' }).click();
      await page.getByRole('navigation', { name: '主导航' }).waitFor();
    },
    async go(hashPath) {
      await page.goto('about:blank');
      await page.goto(`${base}/#${hashPath}`);
      await page.locator('main').waitFor();
      // Lazy chunks and data load after the frame: wait until no "正在加载…" remains.
      await page.waitForFunction(() => !document.querySelector('main')?.textContent?.includes('正在加载'));
    },
    async close() {
      await browser.close();
      await app.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function jpegFromPage(page: Page, label: string): Promise<Buffer> {
  const base64 = await page.evaluate(async (text) => {
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 240;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#3a7';
    g.fillRect(0, 0, 320, 240);
    g.fillStyle = '#fff';
    g.font = '24px sans-serif';
    g.fillText(text, 20, 120);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/jpeg', 0.8));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  }, label);
  return Buffer.from(base64, 'base64');
}

/** The same picture as a phone camera saves it: capture time (Asia/Shanghai) and GPS place in its EXIF. */
export async function withCameraExif(
  jpeg: Buffer,
  exif: { takenAt: Date; lat: [number, number, number]; lon: [number, number, number] },
): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  const local = new Date(exif.takenAt.getTime() + 8 * 3_600_000).toISOString();
  const dms = (v: [number, number, number]) => v.map((n) => `${n}/1`).join(' ');
  return sharp(jpeg)
    .withExif({
      IFD0: { Make: 'duban-e2e', Model: 'phone camera' },
      IFD2: { DateTimeOriginal: `${local.slice(0, 10).replace(/-/g, ':')} ${local.slice(11, 19)}`, OffsetTimeOriginal: '+08:00' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: dms(exif.lat), GPSLongitudeRef: 'E', GPSLongitude: dms(exif.lon) },
    })
    .jpeg({ quality: 85 })
    .toBuffer();
}

const screenshotsOut = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));
const docsScreenshots = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/**
 * Every screenshot a run takes goes to test-output/screenshots/ (ignored by
 * git). Those the docs show (`docs: true`) are copied over docs/screenshots/
 * only when asked: `UPDATE_SCREENSHOTS=1 npx vitest run test/e2e/...`, so an
 * ordinary test run never changes a committed file.
 */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean; docs?: boolean } = {}): Promise<void> {
  mkdirSync(screenshotsOut, { recursive: true });
  const file = path.join(screenshotsOut, name);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? false });
  if (opts.docs && process.env.UPDATE_SCREENSHOTS === '1') copyFileSync(file, path.join(docsScreenshots, name));
}
