// Evidence in an S3-compatible bucket (AWS S3, MinIO, Aliyun OSS, Tencent COS,
// Ceph RGW ...) through the official AWS SDK v3 client. Uploads in flight stay
// on the local disk (tempDir) until they are checked and hashed; only a
// finished, accepted file is sent, with one PutObject streamed from that file.
//
// Why one PutObject and not a multipart upload (@aws-sdk/lib-storage): files
// are at most 15 MiB, far below the 5 GiB single-PUT limit, and a single PUT
// is atomic on every S3 implementation: readers see the whole object or none,
// and a failed PUT leaves nothing, whereas a failed multipart upload leaves
// parts behind that someone must abort.
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { assertSafeKey, type EvidenceStorage, type StoredObject } from './evidence-storage';

export interface S3StorageOptions {
  /** e.g. https://oss-cn-hangzhou.aliyuncs.com or http://127.0.0.1:9000; unset = AWS itself */
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** http://host/bucket/key instead of http://bucket.host/key (MinIO and most self-hosted servers need it) */
  forcePathStyle: boolean;
  /** local scratch directory for uploads in flight; must belong to duban alone (housekeeping empties it) */
  tempDir: string;
}

export interface S3EvidenceStorage extends EvidenceStorage {
  readonly bucket: string;
  /** Closes the client's sockets (process shutdown, tests). */
  close(): void;
}

const isStatus = (err: unknown, ...codes: number[]) =>
  codes.includes((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0);

export function createS3Storage(o: S3StorageOptions): S3EvidenceStorage {
  const client = new S3Client({
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    region: o.region,
    forcePathStyle: o.forcePathStyle,
    credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey },
    // Since 3.729 the SDK adds CRC32 checksums to every PutObject by default,
    // sent as aws-chunked trailers; many S3-compatible servers (older MinIO,
    // Ceph, OSS, COS) refuse those. Checksums only where the API requires them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // A bucket that does not answer should fail the request, not hang it: the
    // SDK's default HTTP handler has no timeouts at all (and a streamed body is never retried).
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
  });
  const Bucket = o.bucket;

  async function head(key: string): Promise<StoredObject | undefined> {
    assertSafeKey(key);
    try {
      const res = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
      return { sizeBytes: res.ContentLength ?? 0 };
    } catch (err) {
      if (isStatus(err, 404)) return undefined;
      throw err;
    }
  }

  /**
   * Content-addressed keys: an existing object already holds these bytes, so
   * it is never rewritten. `If-None-Match: *` makes the write conditional on
   * servers that support it (AWS since 2024, recent MinIO): a concurrent
   * identical upload gets 412 and reports "not created"; on servers that
   * ignore the header, the head() before it covers all but a narrow race,
   * in which both writers store the same bytes.
   */
  async function put(key: string, body: PutObjectCommandInput['Body'], length: number): Promise<{ created: boolean }> {
    // A key without s3:ListBucket gets 403 for a missing object: then let If-None-Match decide.
    const existing = await head(key).catch((err: unknown) => {
      if (isStatus(err, 403)) return undefined;
      throw err;
    });
    if (existing) return { created: false };
    try {
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: body, ContentLength: length, IfNoneMatch: '*' }));
      return { created: true };
    } catch (err) {
      if (isStatus(err, 412)) return { created: false };
      throw err;
    }
  }

  return {
    bucket: Bucket,
    tempDir: o.tempDir,
    async putFile(key, localPath) {
      try {
        const { size } = await stat(localPath);
        return await put(key, createReadStream(localPath), size);
      } finally {
        await rm(localPath, { force: true });
      }
    },
    putBuffer: (key, data) => put(key, data, data.length),
    head,
    async openRead(key): Promise<Readable> {
      assertSafeKey(key);
      const res = await client.send(new GetObjectCommand({ Bucket, Key: key }));
      // In Node the SDK's body is the HTTP response stream itself.
      return res.Body as Readable;
    },
    async delete(key) {
      assertSafeKey(key);
      // S3 answers 204 for a missing key too: deleting is idempotent by itself.
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
    close: () => client.destroy(),
  };
}
