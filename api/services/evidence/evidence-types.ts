// Which files count as evidence, decided by their bytes (file-type's magic
// numbers), never by the name or the Content-Type the client sent; and which
// file names we accept. Photos from phones (JPEG, PNG, WebP, HEIC/HEIF),
// scanned or exported PDFs, and office documents are all the rubric asks for.
import { open } from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type/node';
import { BadRequestError, DomainError } from '../../errors';

export interface EvidenceKind {
  /** extension used in the storage key */
  ext: string;
  mimeType: string;
  /** names the uploaded file may end with for this content */
  extensions: readonly string[];
  image: boolean;
  /** an Office Open XML zip: checked against zip bombs */
  officeZip: boolean;
}

const kind = (
  ext: string,
  mimeType: string,
  extensions: string[],
  flags: Partial<Pick<EvidenceKind, 'image' | 'officeZip'>> = {},
): EvidenceKind => ({ ext, mimeType, extensions, image: false, officeZip: false, ...flags });

/** Keyed by file-type's `ext`. */
const ALLOWED: Record<string, EvidenceKind> = {
  jpg: kind('jpg', 'image/jpeg', ['jpg', 'jpeg', 'jpe', 'jfif'], { image: true }),
  png: kind('png', 'image/png', ['png'], { image: true }),
  webp: kind('webp', 'image/webp', ['webp'], { image: true }),
  heic: kind('heic', 'image/heic', ['heic', 'heif'], { image: true }),
  heif: kind('heif', 'image/heif', ['heif', 'heic'], { image: true }),
  pdf: kind('pdf', 'application/pdf', ['pdf']),
  docx: kind('docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ['docx'], { officeZip: true }),
  xlsx: kind('xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ['xlsx'], { officeZip: true }),
  pptx: kind('pptx', 'application/vnd.openxmlformats-officedocument.presentationml.presentation', ['pptx'], { officeZip: true }),
};
/** Legacy Office files are OLE compound files ("cfb"); the name's extension tells which. */
const LEGACY_OFFICE: Record<string, EvidenceKind> = {
  doc: kind('doc', 'application/msword', ['doc']),
  xls: kind('xls', 'application/vnd.ms-excel', ['xls']),
};
/** A stream every real Word 97-2003 / Excel 97-2003 file has (names are UTF-16LE in the CFB directory). */
const LEGACY_STREAM: Record<string, string[]> = { doc: ['WordDocument'], xls: ['Workbook', 'Book'] };

export const ALLOWED_DESCRIPTION = 'JPEG、PNG、WebP、HEIC 图片，PDF，Word/Excel/PowerPoint 文档';

export class UnsupportedTypeError extends DomainError {
  constructor(message: string) {
    super('unsupported_type', 'unsupported_type', message);
  }
}

/** The file's extension, lower-cased, or '' when it has none. */
export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(dot + 1).toLowerCase() : '';
}

/**
 * File names are shown to people and sent back in Content-Disposition: no
 * paths (a client that sends one is either broken or probing), no control
 * characters, a sane length.
 */
export function checkFileName(name: string | undefined): string {
  const trimmed = (name ?? '').trim();
  if (!trimmed) throw new BadRequestError('缺少文件名 (the file has no name)', 'bad_file_name');
  // eslint-disable-next-line no-control-regex
  if (/[/\\\u0000-\u001f\u007f]/.test(trimmed) || trimmed === '.' || trimmed === '..') {
    throw new BadRequestError(
      '文件名不能包含路径或控制字符 (the file name must not contain a path or control characters)',
      'bad_file_name',
    );
  }
  // Windows drops trailing dots and spaces when saving: "run.exe." and "run.exe . " would land as run.exe without ever claiming .exe here.
  if (trimmed.endsWith('.')) {
    throw new BadRequestError(
      '文件名不能以“.”结尾，请改成以扩展名结尾的名字，例如“照片.jpg” (the file name must not end with a dot)',
      'bad_file_name',
    );
  }
  if ([...trimmed].length > 200)
    throw new BadRequestError('文件名过长，最多 200 个字符 (file name longer than 200 characters)', 'bad_file_name');
  return trimmed;
}

/**
 * What the bytes are, refused with 415 unless allowed, and refused when the
 * name's extension claims something else (a PDF called photo.jpg, a program
 * called photo.jpg). A name without an extension is accepted: it claims nothing.
 */
export async function detectKind(path: string, fileName: string): Promise<EvidenceKind> {
  const detected = await fileTypeFromFile(path);
  const claimed = extensionOf(fileName);
  const what = detected ? `${detected.mime} (.${detected.ext})` : undefined;
  let found = detected ? ALLOWED[detected.ext] : undefined;
  if (detected?.ext === 'cfb') found = await legacyOffice(path, claimed);
  if (!found) {
    throw new UnsupportedTypeError(
      `不支持的文件类型：检测到 ${what ?? '无法识别的内容'}；仅支持${ALLOWED_DESCRIPTION} (unsupported file type: detected ${what ?? 'unrecognised content'})`,
    );
  }
  if (claimed && !found.extensions.includes(claimed)) {
    throw new UnsupportedTypeError(
      `文件扩展名 .${claimed} 与内容不符：实际内容为 ${what} (the extension .${claimed} does not match the content: detected ${what})`,
    );
  }
  return found;
}

/**
 * A compound file is only evidence when it is a Word or Excel file: the same
 * container also carries MSI installers and Outlook messages. We look for the
 * main stream's name; the file is at most 15 MiB, so reading it is bounded.
 */
async function legacyOffice(path: string, claimed: string): Promise<EvidenceKind | undefined> {
  const wanted = LEGACY_OFFICE[claimed];
  if (!wanted) return undefined;
  const handle = await open(path, 'r');
  try {
    const bytes = await handle.readFile();
    return LEGACY_STREAM[claimed]!.some((name) => bytes.includes(Buffer.from(name, 'utf16le'))) ? wanted : undefined;
  } finally {
    await handle.close();
  }
}
