// Helpers for the browser tests: build the SPA, start Debian's Chromium with
// a throw-away profile, and make a real JPEG in the page (no image fixtures).
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ensureChromium } from '../../stack/provision';
import { fileURLToPath } from 'node:url';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

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
