// Real files for the evidence tests, made on the spot: photos with EXIF
// (sharp), a minimal PDF, office documents and zip bombs (a hand-written zip:
// local headers, central directory, end record), and multipart bodies.
import sharp from 'sharp';
import { crc32, deflateRawSync } from 'node:zlib';

/** A 640x480 picture of seeded random blocks: different seeds give clearly different perceptual hashes. */
export async function photo(
  seed: number,
  exif?: { takenAt: string; offset?: string; lat: [number, number, number]; lon: [number, number, number] },
): Promise<Buffer> {
  const width = 640,
    height = 480,
    block = 40;
  const pixels = Buffer.alloc(width * height * 3);
  let state = (seed * 2654435761) % 4294967296 || 1;
  const next = () => (state = (state * 1664525 + 1013904223) % 4294967296) / 4294967296;
  const shades = Array.from({ length: (width / block) * (height / block) }, () => [next() * 255, next() * 255, next() * 255]);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const shade = shades[Math.floor(y / block) * (width / block) + Math.floor(x / block)]!;
      pixels.set(shade.map(Math.round), (y * width + x) * 3);
    }
  }
  const image = sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 });
  if (!exif) return image.toBuffer();
  const dms = (v: [number, number, number]) => v.map((n) => `${n}/1`).join(' ');
  return image
    .withExif({
      IFD0: { Make: 'duban-test', Model: 'camera' },
      IFD2: { DateTimeOriginal: exif.takenAt, ...(exif.offset ? { OffsetTimeOriginal: exif.offset } : {}) },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: dms(exif.lat), GPSLongitudeRef: 'E', GPSLongitude: dms(exif.lon) },
    })
    .toBuffer();
}

/** The same picture as a careless re-upload: edges trimmed, brightened, scaled down, recompressed, metadata gone. */
export async function reencoded(jpeg: Buffer): Promise<Buffer> {
  const trimmed = await sharp(jpeg).extract({ left: 8, top: 8, width: 624, height: 464 }).modulate({ brightness: 1.1 }).toBuffer();
  return sharp(trimmed).resize(448).jpeg({ quality: 55 }).toBuffer();
}

export function minimalPdf(): Buffer {
  return Buffer.from(
    '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
  );
}

/** What a Windows program starts with. */
export function windowsProgram(): Buffer {
  const bytes = Buffer.alloc(512);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'latin1');
  return bytes;
}

/** An OLE compound file (the container of .doc, .xls, but also .msi) whose directory names `stream`. */
export function compoundFile(stream: string): Buffer {
  const bytes = Buffer.alloc(1536);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(bytes, 0);
  bytes.write(stream, 1024, 'utf16le');
  return bytes;
}

export interface ZipEntry {
  name: string;
  data: Buffer;
  /** lie in the headers about the unpacked size */
  declaredSize?: number;
}

/** A zip archive with deflated entries (UTF-8 names, no data descriptors). */
export function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = deflateRawSync(entry.data, { level: 9 });
    const size = entry.declaredSize ?? entry.data.length;
    const crc = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';

/** A DOCX as far as anyone checking its bytes can tell; `extra` entries follow the document. */
export function docx(
  documentXml: Buffer = Buffer.from('<w:document><w:body><w:p>巡查记录</w:p></w:body></w:document>'),
  extra: ZipEntry[] = [],
  declaredSize?: number,
): Buffer {
  return zip([
    { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
    { name: 'word/document.xml', data: documentXml, declaredSize },
    ...extra,
  ]);
}

export const BOUNDARY = '----duban-evidence-test';

/** A multipart/form-data body with one file part (raw UTF-8 file name, as browsers send it). */
export function multipartBody(fileName: string, content: Buffer, opts: { field?: string; contentType?: string } = {}): Buffer {
  const head =
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${opts.field ?? 'file'}"; filename="${fileName}"\r\n` +
    `Content-Type: ${opts.contentType ?? 'application/octet-stream'}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), content, Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]);
}
