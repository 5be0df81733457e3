// Issue #13 finding 5: an image decompression bomb is refused from its header
// before any pixel is decoded, and uploads are rate-limited per user.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32, deflateSync } from 'node:zlib';
import { login, seedTownship, startApi, type Client, type TestApi, type Township } from './support';
import { BOUNDARY, multipartBody, photo } from './evidence-samples';
import { concurrencyLimit } from '../../api/services/evidence/image-facts';

/** A valid PNG header claiming width x height, with one tiny compressed row: megabytes of pixels promised in bytes. */
function bombPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2; // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1 + width * 3))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('upload limits', () => {
  let api: TestApi;
  let t: Township;
  let staff: Client;
  beforeAll(async () => {
    api = await startApi({ uploadRateLimit: { max: 3, timeWindow: 60_000 } });
    t = await seedTownship(api.db);
    staff = await login(api.app, t.users.staffA.username);
  });
  afterAll(async () => api?.close());

  const upload = (client: Client, communityId: string, name: string, content: Buffer) =>
    client.request({
      method: 'POST',
      url: `/api/evidence?communityId=${communityId}`,
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: multipartBody(name, content),
    });

  it('refuses a PNG of more than 64 megapixels from its header, quickly, with a Chinese message', async () => {
    const started = Date.now();
    const res = await upload(staff, t.communityA, 'bomb.png', bombPng(9000, 9000));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'image_too_large' });
    expect(res.json().message).toContain('9000×9000');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await api.db.evidence.count({ where: { communityId: t.communityA } })).toBe(0);
  });

  it('limits uploads per user (429 in Chinese), not per address: another user may still upload', async () => {
    const secretary = await login(api.app, t.users.secretaryA.username);
    // The refused bomb above counted as one of staff's three.
    for (let i = 1; i <= 2; i += 1) expect((await upload(staff, t.communityA, `p${i}.jpg`, await photo(i))).statusCode).toBe(201);
    const limited = await upload(staff, t.communityA, 'p3.jpg', await photo(3));
    expect(limited.statusCode).toBe(429);
    expect(limited.json().message).toMatch(/上传过于频繁/);
    expect((await upload(secretary, t.communityA, 'p4.jpg', await photo(4))).statusCode).toBe(201);
  });
});

describe('image work queue', () => {
  it('runs at most `slots` jobs at once, and every job in the end, failures included', async () => {
    const limit = concurrencyLimit(2);
    let running = 0,
      peak = 0;
    const job = (i: number) =>
      limit(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running -= 1;
        if (i === 3) throw new Error('bad image');
        return i;
      });
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => job(i)));
    expect(peak).toBe(2);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(7);
    expect(running).toBe(0);
  });
});
