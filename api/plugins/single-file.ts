// The one file of a multipart upload (evidence and incident evidence): the
// routes share it here rather than importing each other.
import type { FastifyRequest } from 'fastify';
import { BadRequestError, DomainError } from '../errors';
import type { IncomingFile } from '../services/evidence/evidence-upload';

class TooManyFilesError extends DomainError {
  constructor() {
    super('too_large', 'too_many_files', '一次只能上传一个文件，请逐个上传 (one file per upload)');
  }
}

/**
 * The one file part of a multipart upload, and a check that nothing else
 * follows it. request.file() alone would store the first of two files and
 * drop the second without a word: the sender would believe both arrived.
 */
export async function singleFilePart(request: FastifyRequest): Promise<IncomingFile & { assertLast(): Promise<void> }> {
  if (!request.isMultipart())
    throw new BadRequestError('请以 multipart/form-data 上传 (send the file as multipart/form-data)', 'not_multipart');
  const parts = request.parts();
  let first = await parts.next();
  // Plain fields before the file (a form that sends a note first) are skipped, as request.file() did; the limits bound them.
  while (!first.done && first.value.type !== 'file') first = await parts.next();
  if (first.done || first.value.type !== 'file') {
    throw new BadRequestError('没有收到文件：请在 multipart 字段 file 中上传 (no file in the multipart field "file")', 'missing_file');
  }
  return Object.assign(first.value as IncomingFile, {
    // Runs once the first file is on disk: a second file makes busboy's files limit reject here (413, too_many_files).
    async assertLast() {
      for (let next = await parts.next(); !next.done; next = await parts.next()) {
        if (next.value.type === 'file') throw new TooManyFilesError();
      }
    },
  });
}
