// S3 evidence storage against a real S3-compatible server on loopback (moto,
// which checks every request's Signature V4 with botocore; see moto-s3.ts),
// through the real API routes on the real PostgreSQL. Plus the configuration
// rules: a half-configured bucket stops the start with one line, no secret shown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { ConfigError, parseConfig } from '../../config';
import { createS3Storage, type S3EvidenceStorage } from '../../storage/s3-storage';
import { evidenceStorageFromConfig } from '../../storage/from-config';
import { createTestTownship, TEST_PASSWORD, type TestTownship } from '../support/fixtures';
import { login, startApi, type Client, type TestApi } from '../api/support';
import { BOUNDARY, multipartBody, photo } from '../api/evidence-samples';
import { S3_ARN, startMotoS3, type Credentials, type MotoS3 } from './moto-s3';

const BUCKET = 'duban-evidence';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('S3 evidence storage on a signature-checking S3 server', () => {
  let moto: MotoS3;
  let admin: S3Client;
  let api: TestApi;
  let t: TestTownship;
  let staff: Client;
  let scratch: string;
  const storages: S3EvidenceStorage[] = [];

  const clientFor = (keys: Credentials) =>
    new S3Client({
      endpoint: moto.endpoint,
      region: moto.region,
      forcePathStyle: true,
      credentials: keys,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
  const storageFor = (keys: Credentials, tempDir: string) => {
    const s = createS3Storage({ endpoint: moto.endpoint, region: moto.region, bucket: BUCKET, forcePathStyle: true, tempDir, ...keys });
    storages.push(s);
    return s;
  };
  const bodyOf = async (key: string) =>
    Buffer.from(await (await admin.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray());
  const keysUnder = async (prefix: string) =>
    ((await admin.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key).sort();
  const upload = (client: Client, communityId: string, fileName: string, content: Buffer) =>
    client.request({
      method: 'POST',
      url: `/api/evidence?communityId=${communityId}`,
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: multipartBody(fileName, content),
    });

  beforeAll(async () => {
    moto = await startMotoS3({
      // May read everything, but write and delete only thumbnails: its upload of an original fails after the thumbnail landed.
      thumbnailsOnly: [
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: [`${S3_ARN}${BUCKET}`, `${S3_ARN}${BUCKET}/*`] },
        { Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: `${S3_ARN}${BUCKET}/*.thumb.jpg` },
      ],
    });
    admin = clientFor(moto);
    await admin.send(
      new CreateBucketCommand({
        Bucket: BUCKET,
        CreateBucketConfiguration: { LocationConstraint: moto.region as BucketLocationConstraint },
      }),
    );
    scratch = await mkdtemp(join(tmpdir(), 'duban-s3-scratch-'));
    api = await startApi({ evidenceStorage: storageFor(moto, join(scratch, 'full')) });
    t = await createTestTownship(api.db, 's3');
    staff = await login(api.app, t.usernames.staff, TEST_PASSWORD);
  });
  afterAll(async () => {
    for (const s of storages) s.close();
    admin?.destroy();
    await api?.close();
    await moto?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('is refused by the server when signed with a wrong secret key, and accepted with the right one', async () => {
    const wrong = clientFor({ accessKeyId: moto.accessKeyId, secretAccessKey: `${moto.secretAccessKey.slice(0, -1)}x` });
    const put = (client: S3Client) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'probe/signature.txt', Body: 'signed' }));
    await expect(put(wrong)).rejects.toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
    await expect(admin.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'probe/signature.txt' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    // The storage itself with the wrong secret fails too (its head() before the put is refused).
    await expect(
      storageFor({ accessKeyId: moto.accessKeyId, secretAccessKey: 'not-the-secret' }, join(scratch, 'wrong')).putBuffer(
        'probe/x.txt',
        Buffer.from('x'),
      ),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    await put(admin);
    expect((await bodyOf('probe/signature.txt')).toString()).toBe('signed');
    wrong.destroy();
  });

  it('stores an upload through the API in the bucket with its SHA-256, and serves it and its thumbnail back', async () => {
    const picture = await photo(11);
    const res = await upload(staff, t.community.id, '巡查照片.jpg', picture);
    expect(res.statusCode, res.body).toBe(201);
    const view = res.json();
    expect(view.sha256).toBe(sha256(picture));

    const key = `${t.community.id}/${sha256(picture)}.jpg`;
    const stored = await bodyOf(key);
    expect(sha256(stored)).toBe(sha256(picture));
    expect(await keysUnder(`${t.community.id}/`)).toEqual([key, `${t.community.id}/${sha256(picture)}.thumb.jpg`].sort());
    expect((await api.db.evidence.findUniqueOrThrow({ where: { id: view.id } })).storageKey).toBe(key);

    const file = await staff.get(view.url);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/jpeg');
    expect(sha256(file.rawPayload)).toBe(sha256(picture));

    const thumb = await staff.get(view.thumbnailUrl);
    expect(thumb.statusCode).toBe(200);
    expect(thumb.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(thumb.rawPayload).toEqual(await bodyOf(`${t.community.id}/${sha256(picture)}.thumb.jpg`));

    // The same bytes from someone else: a second row, the same object (content-addressed), nothing rewritten.
    const secretary = await login(api.app, t.usernames.secretary, TEST_PASSWORD);
    const again = await upload(secretary, t.community.id, '巡查照片-2.jpg', picture);
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().id).not.toBe(view.id);
    expect((await api.db.evidence.findUniqueOrThrow({ where: { id: again.json().id } })).storageKey).toBe(key);
    expect(await keysUnder(`${t.community.id}/`)).toHaveLength(2);
    // Scratch files are gone once the object is in the bucket.
    expect(await readdir(join(scratch, 'full'))).toEqual([]);
  });

  it('leaves no Evidence row, no object and no scratch file when the bucket refuses the original', async () => {
    const limitedStorage = storageFor(moto.users.thumbnailsOnly!, join(scratch, 'limited'));
    // The premise: this key may write thumbnails and nothing else.
    expect(await limitedStorage.putBuffer('probe/premise.thumb.jpg', Buffer.from('t'))).toEqual({ created: true });
    await expect(limitedStorage.putBuffer('probe/premise.jpg', Buffer.from('o'))).rejects.toMatchObject({ name: 'AccessDenied' });
    await limitedStorage.delete('probe/premise.thumb.jpg');
    const limited = await startApi({ evidenceStorage: limitedStorage });
    try {
      const client = await login(limited.app, t.usernames.secretary, TEST_PASSWORD);
      const picture = await photo(12);
      const where = { communityId: t.community.id, sha256: sha256(picture) };
      const auditBefore = await limited.db.auditLog.count({ where: { action: 'evidence.upload', actorId: t.users.secretary } });

      const res = await upload(client, t.community.id, '会议记录.jpg', picture);
      // A storage failure is the server's, not the person's: 503, keep the file and try later.
      expect(res.statusCode).toBe(503);
      // The bucket's AccessDenied stays in the log: the client gets the Chinese line only.
      expect(res.json()).toMatchObject({ error: 'storage_unavailable' });
      expect(res.body).not.toContain('AccessDenied');

      expect(await limited.db.evidence.count({ where })).toBe(0);
      expect(await limited.db.auditLog.count({ where: { action: 'evidence.upload', actorId: t.users.secretary } })).toBe(auditBefore);
      // The thumbnail had landed before the original was refused; it was deleted again.
      expect(await keysUnder(`${t.community.id}/${sha256(picture)}`)).toEqual([]);
      expect(await readdir(join(scratch, 'limited'))).toEqual([]);
    } finally {
      await limited.app.close();
    }
  });
});

describe('S3 evidence storage configuration', () => {
  const complete = {
    EVIDENCE_S3_BUCKET: 'duban-evidence',
    EVIDENCE_S3_REGION: 'cn-north-1',
    EVIDENCE_S3_ENDPOINT: 'http://127.0.0.1:9000',
    EVIDENCE_S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
    EVIDENCE_S3_SECRET_ACCESS_KEY: 's3cr3t-do-not-print',
    EVIDENCE_S3_FORCE_PATH_STYLE: 'true',
  };
  const refusal = (env: Record<string, string>): string => {
    try {
      parseConfig(env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('configuration was accepted');
  };

  it('uses the bucket when it is fully configured, the local disk when nothing of S3 is set', async () => {
    const s3 = await evidenceStorageFromConfig(parseConfig(complete), '/data/duban');
    expect(s3.description).toBe('S3 bucket duban-evidence at http://127.0.0.1:9000 (cn-north-1)');
    expect(s3.storage.tempDir).toBe('/data/duban/evidence-incoming');
    (s3.storage as S3EvidenceStorage).close();
    expect((await evidenceStorageFromConfig(parseConfig({}), '/data/duban')).description).toBe('local folder /data/duban/evidence');
  });

  it('stops with one line naming what is missing when half configured, without printing the secret', () => {
    const { EVIDENCE_S3_SECRET_ACCESS_KEY: _secret, ...noSecret } = complete;
    const message = refusal(noSecret);
    expect(message).toBe(
      'invalid configuration: EVIDENCE_S3_SECRET_ACCESS_KEY is required when EVIDENCE_S3_BUCKET is set (S3 evidence storage is half configured)',
    );

    const { EVIDENCE_S3_BUCKET: _bucket, ...noBucket } = complete;
    const other = refusal(noBucket);
    expect(other).toMatch(/^invalid configuration: EVIDENCE_S3_BUCKET is required when EVIDENCE_S3_\w+ is set/);
    expect(other.split('\n')).toHaveLength(1);
    expect(other).not.toContain('s3cr3t');
  });

  it('names a malformed value and refuses local and S3 storage at once', () => {
    expect(refusal({ ...complete, EVIDENCE_S3_ENDPOINT: 'minio:9000' })).toContain('EVIDENCE_S3_ENDPOINT must be an http(s) URL');
    expect(refusal({ ...complete, EVIDENCE_S3_FORCE_PATH_STYLE: 'yes' })).toContain('EVIDENCE_S3_FORCE_PATH_STYLE must be true or false');
    expect(refusal({ ...complete, EVIDENCE_DIR: '/srv/evidence' })).toContain('EVIDENCE_DIR and EVIDENCE_S3_BUCKET are both set');
  });
});
