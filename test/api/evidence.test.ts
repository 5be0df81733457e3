// Evidence uploads end to end on the real app and PostgreSQL: real photos,
// PDFs and office documents made in the test; every refusal leaves no row, no
// stored object and no scratch file behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createLocalStorage } from '../../storage/local-storage';
import { attachableEvidence, findUsedBefore } from '../../db/evidence-repository';
import { hammingDistance } from '../../api/services/evidence/image-facts';
import { createTestTownship, TEST_PASSWORD, type TestTownship } from '../support/fixtures';
import { login, startApi, type Client, type TestApi } from './support';
import { BOUNDARY, compoundFile, docx, minimalPdf, multipartBody, photo, reencoded, windowsProgram, zip } from './evidence-samples';

const MiB = 1024 * 1024;
const patrolExif = {
  takenAt: '2022:03:15 09:30:00',
  lat: [30, 15, 0] as [number, number, number],
  lon: [120, 10, 30] as [number, number, number],
};

describe('evidence uploads', () => {
  let api: TestApi;
  let root: string;
  let t: TestTownship;
  let staff: Client;
  let otherStaff: Client;
  let leader: Client;
  let patrolPhoto: Buffer;
  let firstUpload: { id: string; sha256: string };

  /** The real app, with its evidence storage in this test's folder so leftovers can be checked. */
  async function startEvidenceApi(): Promise<TestApi> {
    const started = await startApi({ evidenceStorage: createLocalStorage(root) });
    await started.app.ready();
    return started;
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'duban-evidence-'));
    api = await startEvidenceApi();
    t = await createTestTownship(api.db, 'evidence');
    staff = await login(api.app, t.usernames.staff, TEST_PASSWORD);
    otherStaff = await login(api.app, t.usernames.otherStaff, TEST_PASSWORD);
    leader = await login(api.app, t.usernames.leader, TEST_PASSWORD);
    patrolPhoto = await photo(1, patrolExif);
  });
  afterAll(async () => {
    await api?.close();
    await rm(root, { recursive: true, force: true });
  });

  const upload = (client: Client, communityId: string, fileName: string, content: Buffer, opts: { csrf?: boolean; field?: string } = {}) =>
    client.request({
      method: 'POST',
      url: `/api/evidence?communityId=${communityId}`,
      csrf: opts.csrf ?? true,
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: multipartBody(fileName, content, opts),
    });

  /** Every file under the storage root, scratch directory included. */
  const storedFiles = async () =>
    (await readdir(root, { recursive: true, withFileTypes: true }))
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath, d.name))
      .sort();
  const evidenceCount = () => api.db.evidence.count({ where: { communityId: { in: [t.community.id, t.otherCommunity.id] } } });

  /** Runs the request and checks the refusal left nothing behind. */
  async function expectRefused(send: () => Promise<LightMyRequestResponse>, status: number, message?: RegExp) {
    const [filesBefore, rowsBefore, auditBefore] = [
      await storedFiles(),
      await evidenceCount(),
      await api.db.auditLog.count({ where: { action: 'evidence.upload' } }),
    ];
    const res = await send();
    expect(res.statusCode, res.body).toBe(status);
    if (message) expect(res.json().message).toMatch(message);
    expect(await storedFiles()).toEqual(filesBefore);
    expect(await evidenceCount()).toBe(rowsBefore);
    expect(await api.db.auditLog.count({ where: { action: 'evidence.upload' } })).toBe(auditBefore);
    return res;
  }

  it('stores a photo with its EXIF time and place, a thumbnail and a perceptual hash, and audits it', async () => {
    const res = await upload(staff, t.community.id, '巡查照片 3月.jpg', patrolPhoto);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      fileName: '巡查照片 3月.jpg',
      mimeType: 'image/jpeg',
      sizeBytes: patrolPhoto.length,
      communityId: t.community.id,
      // 09:30 on a camera in Beijing time, no offset tag: 01:30 UTC.
      takenAt: '2022-03-15T01:30:00.000Z',
      usedBefore: [],
      url: `/api/evidence/${body.id}/file`,
      thumbnailUrl: `/api/evidence/${body.id}/thumbnail`,
    });
    expect(body.gps.lat).toBeCloseTo(30.25, 6);
    expect(body.gps.lon).toBeCloseTo(120.175, 6);
    const row = await api.db.evidence.findUniqueOrThrow({ where: { id: body.id } });
    expect(row).toMatchObject({
      submissionId: null,
      deductionId: null,
      uploadedById: t.users.staff,
      storageKey: `${t.community.id}/${body.sha256}.jpg`,
    });
    expect(row.phash).toMatch(/^[0-9a-f]{16}$/);
    expect(await storedFiles()).toEqual([
      join(root, t.community.id, `${body.sha256}.jpg`),
      join(root, t.community.id, `${body.sha256}.thumb.jpg`),
    ]);
    expect(await api.db.auditLog.count({ where: { action: 'evidence.upload', entityId: body.id, actorId: t.users.staff } })).toBe(1);
    firstUpload = body;

    const thumb = await staff.get(body.thumbnailUrl);
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    const sharp = (await import('sharp')).default;
    expect((await sharp(thumb.rawPayload).metadata()).width).toBe(320);

    const file = await staff.get(body.url);
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(patrolPhoto)).toBe(true);
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(file.headers['content-disposition']).toBe(
      `inline; filename="____ 3_.jpg"; filename*=UTF-8''${encodeURIComponent('巡查照片 3月.jpg')}`,
    );
    expect(await api.db.auditLog.count({ where: { action: 'evidence.read', entityId: body.id } })).toBe(2);

    const meta = await staff.get(`/api/evidence/${body.id}`);
    expect(meta.json()).toMatchObject({ id: body.id, takenAt: body.takenAt, gps: body.gps, usedBefore: [] });
  });

  /** Evidence counts as used once handed in; here it is attached to an incident deduction of its community. */
  async function handIn(evidenceId: string): Promise<void> {
    const { communityId } = await api.db.evidence.findUniqueOrThrow({ where: { id: evidenceId } });
    const deduction = await api.db.deduction.create({
      data: {
        businessKey: `test-incident|${randomUUID()}`,
        communityId,
        ruleId: 'safety.fire',
        section: '6',
        item: '消防',
        points: 2,
        explanation: '测试事件',
        recordedBy: t.users.zhengfa,
        occurredAt: new Date(),
      },
    });
    await api.db.evidence.update({ where: { id: evidenceId }, data: { deductionId: deduction.id } });
  }

  it('a retried upload (its answer lost) gets the same row back, not a twin; an upload not handed in accuses nobody', async () => {
    const picture = await photo(7);
    const first = await upload(staff, t.community.id, 'retry.jpg', picture);
    const retry = await upload(staff, t.community.id, 'retry.jpg', picture);
    expect([first.statusCode, retry.statusCode]).toEqual([201, 201]);
    expect(retry.json().id).toBe(first.json().id);
    expect(await api.db.evidence.count({ where: { sha256: first.json().sha256 } })).toBe(1);
    // The same photo from a colleague is a row of its own; neither is "used before" while neither is handed in.
    const colleague = await upload(leader, t.community.id, 'retry.jpg', picture);
    expect(colleague.json().id).not.toBe(first.json().id);
    expect(colleague.json().usedBefore).toEqual([]);
    await handIn(first.json().id);
    expect((await staff.get(`/api/evidence/${colleague.json().id}`)).json().usedBefore).toEqual([
      expect.objectContaining({ evidenceId: first.json().id, match: 'identical' }),
    ]);
    // Once handed in, the same bytes again are a new upload (and are flagged as used before).
    const later = await upload(staff, t.community.id, 'retry.jpg', picture);
    expect(later.json().id).not.toBe(first.json().id);
    expect(later.json().usedBefore.map((u: { evidenceId: string }) => u.evidenceId)).toContain(first.json().id);
  });

  it('flags the same photo uploaded again in another community as identical, and a resized copy as near-duplicate', async () => {
    await handIn(firstUpload.id);
    const again = await upload(otherStaff, t.otherCommunity.id, 'IMG_0001.JPG', patrolPhoto);
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().usedBefore).toEqual([
      { evidenceId: firstUpload.id, communityId: t.community.id, createdAt: expect.any(String), match: 'identical', distance: 0 },
    ]);
    await handIn(again.json().id);

    const copy = await reencoded(patrolPhoto);
    const near = await upload(leader, t.community.id, 'copy.jpg', copy);
    expect(near.statusCode, near.body).toBe(201);
    const matches = near.json().usedBefore as Array<{ evidenceId: string; match: string; distance: number }>;
    expect(matches.map((m) => m.evidenceId).sort()).toEqual([firstUpload.id, again.json().id].sort());
    expect(
      matches.every((m) => m.match === 'near-duplicate' && m.distance > 0 && m.distance <= 6),
      JSON.stringify(matches),
    ).toBe(true);
    expect(near.json().takenAt).toBeNull();
    await handIn(near.json().id);

    // Another scene is not a match; and the review page's view of the first upload now lists both reuses.
    const other = await upload(
      staff,
      t.community.id,
      'other.png',
      await (
        await import('sharp')
      )
        .default(await photo(2))
        .png()
        .toBuffer(),
    );
    expect(other.statusCode, other.body).toBe(201);
    expect(other.json()).toMatchObject({ mimeType: 'image/png', usedBefore: [] });
    const reviewed = await findUsedBefore(api.db, firstUpload.id);
    expect(reviewed.map((r) => r.match)).toEqual(['identical', 'near-duplicate']);
    const hashes = await api.db.evidence.findMany({ where: { id: { in: [firstUpload.id, other.json().id] } }, select: { phash: true } });
    expect(hammingDistance(hashes[0]!.phash!, hashes[1]!.phash!)).toBeGreaterThan(12);
  });

  it('accepts a PDF and a DOCX, neither with a thumbnail', async () => {
    const pdf = await upload(staff, t.community.id, '会议记录.pdf', minimalPdf());
    expect(pdf.statusCode, pdf.body).toBe(201);
    expect(pdf.json()).toMatchObject({ mimeType: 'application/pdf', thumbnailUrl: null, gps: null, takenAt: null });
    const file = await staff.get(pdf.json().url);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="____\.pdf"; filename\*=UTF-8''%E4%BC%9A/);
    expect((await staff.get(`/api/evidence/${pdf.json().id}/thumbnail`)).statusCode).toBe(404);
    const doc = await upload(staff, t.community.id, '台账.docx', docx());
    expect(doc.statusCode, doc.body).toBe(201);
    expect(doc.json().mimeType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const legacy = await upload(staff, t.community.id, '旧台账.doc', compoundFile('WordDocument'));
    expect(legacy.statusCode, legacy.body).toBe(201);
    expect(legacy.json().mimeType).toBe('application/msword');
  });

  it('keeps a HEIC photo without a thumbnail (no HEVC decoder here), and a HEIC that loops the EXIF parser costs only a bounded wait', async () => {
    // Brand "heic" with no 'meta' box: enough for the magic bytes, and sends exifr round in circles for ever.
    const ftyp = Buffer.alloc(24);
    ftyp.writeUInt32BE(24, 0);
    ftyp.write('ftypheic', 4, 'latin1');
    ftyp.write('mif1heic', 16, 'latin1');
    const heic = await upload(staff, t.community.id, 'IMG_2022.HEIC', Buffer.concat([ftyp, Buffer.alloc(1000)]));
    expect(heic.statusCode, heic.body).toBe(201);
    expect(heic.json()).toMatchObject({ mimeType: 'image/heic', thumbnailUrl: null, takenAt: null, gps: null });
  });

  it('refuses what is not evidence, by its bytes, with 415 naming what was detected', async () => {
    await expectRefused(() => upload(staff, t.community.id, 'notes.txt', Buffer.from('只是一段文字')), 415, /不支持的文件类型/);
    await expectRefused(
      () => upload(staff, t.community.id, 'bundle.zip', zip([{ name: 'a.txt', data: Buffer.from('x') }])),
      415,
      /application\/zip/,
    );
    await expectRefused(() => upload(staff, t.community.id, 'photo.jpg', minimalPdf()), 415, /\.jpg.*application\/pdf/);
    await expectRefused(() => upload(staff, t.community.id, 'photo.jpg', windowsProgram()), 415, /\.exe/);
    await expectRefused(() => upload(staff, t.community.id, 'report.pdf', patrolPhoto), 415, /image\/jpeg/);
    // JPEG magic, then nothing a decoder can use: not a photo (400), and nothing is kept.
    await expectRefused(
      () => upload(staff, t.community.id, 'broken.jpg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7)])),
      400,
      /图片无法解码/,
    );
    await expectRefused(
      () => upload(staff, t.community.id, 'half.jpg', patrolPhoto.subarray(0, patrolPhoto.length / 2)),
      400,
      /图片无法解码/,
    );
    // The compound-file container also carries installers: without Word's main stream it is no document.
    await expectRefused(() => upload(staff, t.community.id, 'setup.doc', compoundFile('SummaryInformation')), 415, /application\/x-cfb/);
  });

  it('takes the file after plain form fields sent before it (a form that puts a note first)', async () => {
    const note = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\n村口宣传栏\r\n`);
    const res = await staff.request({
      method: 'POST',
      url: `/api/evidence?communityId=${t.community.id}`,
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: Buffer.concat([note, multipartBody('note-first.jpg', await photo(9))]),
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ fileName: 'note-first.jpg', mimeType: 'image/jpeg' });
  });

  it('refuses a file over 15 MB with 413', async () => {
    const big = Buffer.concat([patrolPhoto, Buffer.alloc(15 * MiB + 1 - patrolPhoto.length)]);
    await expectRefused(() => upload(staff, t.community.id, 'big.jpg', big), 413, /^文件超过 15 MB 上限$/);
  });

  it('refuses two files in one upload (413, one file per request) and keeps neither', async () => {
    const part = (name: string, content: Buffer) =>
      Buffer.concat([
        Buffer.from(
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`,
        ),
        content,
        Buffer.from('\r\n'),
      ]);
    const body = Buffer.concat([part('一.pdf', minimalPdf()), part('二.pdf', minimalPdf()), Buffer.from(`--${BOUNDARY}--\r\n`)]);
    await expectRefused(
      () =>
        staff.request({
          method: 'POST',
          url: `/api/evidence?communityId=${t.community.id}`,
          headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
          payload: body,
        }),
      413,
      /一次只能上传一个文件/,
    );
  });

  it('refuses file names with a path or control characters (400)', async () => {
    for (const name of ['../../etc/passwd.jpg', 'dir/photo.jpg', 'C:\\\\Users\\\\photo.jpg', 'evil\u0001.jpg', '..']) {
      await expectRefused(() => upload(staff, t.community.id, name, patrolPhoto), 400, /路径或控制字符/);
    }
    await expectRefused(() => upload(staff, t.community.id, 'ok.jpg', patrolPhoto, { field: 'photo' }), 400);
  });

  it('refuses office documents that are zip bombs or escape their archive', async () => {
    const zeros = (n: number) => Buffer.alloc(n, 0x20);
    // 120 MB unpacked: over the total.
    await expectRefused(() => upload(staff, t.community.id, 'bomb.docx', docx(zeros(120 * MiB))), 413, /100 MB/);
    // 20 MB of spaces in ~20 KB: over the ratio.
    await expectRefused(() => upload(staff, t.community.id, 'ratio.docx', docx(zeros(20 * MiB))), 400, /压缩比/);
    // Headers that claim 1 KB for 20 MB: caught while inflating.
    await expectRefused(() => upload(staff, t.community.id, 'liar.docx', docx(zeros(20 * MiB), [], 1024)), 400, /与声明不符/);
    await expectRefused(
      () => upload(staff, t.community.id, 'escape.docx', docx(undefined, [{ name: '../../evil.sh', data: Buffer.from('rm -rf /') }])),
      400,
      /路径/,
    );
    const many = Array.from({ length: 1000 }, (_, i) => ({ name: `word/media/p${i}.xml`, data: Buffer.from(`<p>${i}</p>`) }));
    await expectRefused(() => upload(staff, t.community.id, 'many.docx', docx(undefined, many)), 400, /条目数/);
  });

  it('keeps communities apart (404), and needs the CSRF token to upload (403)', async () => {
    await expectRefused(() => upload(staff, t.otherCommunity.id, 'x.jpg', patrolPhoto), 404);
    await expectRefused(() => upload(staff, randomUUID(), 'x.jpg', patrolPhoto), 404);
    await expectRefused(() => upload(staff, t.community.id, 'x.jpg', patrolPhoto, { csrf: false }), 403, /CSRF/);
    const theirs = (await upload(otherStaff, t.otherCommunity.id, 'theirs.jpg', await photo(3))).json();
    for (const suffix of ['', '/file', '/thumbnail']) {
      expect((await staff.get(`/api/evidence/${theirs.id}${suffix}`)).statusCode, suffix).toBe(404);
      expect((await leader.get(`/api/evidence/${theirs.id}${suffix}`)).statusCode, suffix).toBe(200);
    }
    expect((await api.app.inject({ method: 'GET', url: `/api/evidence/${theirs.id}` })).statusCode).toBe(401);
  });

  it('tells the submission route which uploads are still attachable in a community', async () => {
    const mine = (await upload(staff, t.community.id, 'attach.jpg', await photo(4))).json().id as string;
    const theirs = (await upload(otherStaff, t.otherCommunity.id, 'theirs2.jpg', await photo(5))).json().id as string;
    expect(await attachableEvidence(api.db, t.community.id, [mine, theirs, randomUUID(), mine])).toEqual([mine]);
  });
});
