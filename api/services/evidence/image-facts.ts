// What an evidence photo tells us beyond its bytes: when and where it was
// taken (EXIF), a small preview for review pages, and a perceptual hash so the
// same scene re-saved, resized or recompressed is still recognised as reused.
import sharp from 'sharp';
import { BadRequestError } from '../../errors';
import { readExifTags, type ExifTags } from './exif-reader';

export const THUMBNAIL_WIDTH = 320;
/**
 * Phone cameras save 12-50 megapixels (a 48 MP sensor: 8000 x 6000); 64 MP leaves room and refuses a
 * decompression bomb (a 730 KB PNG of 16,000 x 16,000 costs 16-20 s to decode) before any decoding.
 */
export const MAX_INPUT_PIXELS = 64_000_000;
/** Decoding is CPU-heavy and libvips uses threads of its own: at most this many images at a time, the rest wait. */
export const IMAGE_CONCURRENCY = 2;
/** libvips is robust, but a decode still gets a deadline rather than a thread for ever. */
const SHARP_TIMEOUT_SECONDS = 20;
/** EXIF times carry no zone unless OffsetTimeOriginal is set; cameras here run on Beijing time. */
const DEFAULT_EXIF_OFFSET = '+08:00';

// libvips's operation cache keeps up to 20 input files mapped after use. Every input here is a
// scratch upload deleted right after, so the cache only pinned their disk space (on a full disk,
// RELIABILITY.md) and never served a hit: hold no files open.
sharp.cache(false);

export interface ImageFacts {
  takenAt: Date | null;
  gps: { lat: number; lon: number } | null;
  /** null when this server's libvips cannot decode the format (HEIC: see docs/evidence.md) */
  thumbnail: Buffer | null;
  phash: string | null;
}

export async function imageFacts(path: string, ext: string): Promise<ImageFacts> {
  const { takenAt, gps } = await exifFacts(path);
  if (ext === 'heic' || ext === 'heif') {
    // The prebuilt libvips has no HEVC decoder (patents): keep the file and its EXIF, skip the pixels.
    return { takenAt, gps, thumbnail: null, phash: null };
  }
  return imageQueue(async () => {
    await refuseHugeImage(path);
    try {
      const [thumbnail, phash] = await Promise.all([makeThumbnail(path), dHash(path)]);
      return { takenAt, gps, thumbnail, phash };
    } catch (err) {
      throw new BadRequestError(`图片无法解码，可能已损坏或像素过大 (the image cannot be decoded: ${(err as Error).message})`, 'bad_image');
    }
  });
}

/** Reads only the header: the size is known before a pixel is decoded. */
async function refuseHugeImage(path: string): Promise<void> {
  const { width = 0, height = 0 } = await sharp(path, { limitInputPixels: false })
    .metadata()
    .catch((err: Error) => {
      throw new BadRequestError(`图片无法解码，可能已损坏 (the image cannot be read: ${err.message})`, 'bad_image');
    });
  if (width * height > MAX_INPUT_PIXELS) {
    throw new BadRequestError(
      `图片像素过大（${width}×${height}），最多 ${MAX_INPUT_PIXELS / 1_000_000} 百万像素：请用手机相机默认设置拍摄，或缩小后再上传 (image of ${width}x${height} px is above ${MAX_INPUT_PIXELS / 1_000_000} MP)`,
      'image_too_large',
    );
  }
}

/** A queue with IMAGE_CONCURRENCY slots: uploads beyond it wait their turn instead of starving logins of CPU. */
export function concurrencyLimit(slots: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (running >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
    else running += 1;
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next in line, or free it.
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}
const imageQueue = concurrencyLimit(IMAGE_CONCURRENCY);

/** `.rotate()` applies the EXIF orientation, so a phone's portrait shot previews (and hashes) upright. */
const open = (path: string) =>
  sharp(path, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).timeout({ seconds: SHARP_TIMEOUT_SECONDS }).rotate();

function makeThumbnail(path: string): Promise<Buffer> {
  return open(path)
    .resize({ width: THUMBNAIL_WIDTH, height: THUMBNAIL_WIDTH, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 80 })
    .toBuffer();
}

/**
 * dHash: shrink to 9x8 grey pixels and record, row by row, whether each pixel
 * is brighter than its right neighbour: 64 bits that survive re-encoding,
 * resizing and small colour changes, as 16 hex digits.
 */
export async function dHash(path: string): Promise<string> {
  const pixels = await open(path).flatten({ background: '#ffffff' }).grayscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer();
  let bits = 0n;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      bits = (bits << 1n) | (pixels[y * 9 + x]! > pixels[y * 9 + x + 1]! ? 1n : 0n);
    }
  }
  return bits.toString(16).padStart(16, '0');
}

export function hammingDistance(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let count = 0;
  for (; x; x &= x - 1n) count++;
  return count;
}

/** Metadata is a bonus: a photo without (or with broken) EXIF is still evidence. */
async function exifFacts(path: string): Promise<Pick<ImageFacts, 'takenAt' | 'gps'>> {
  const tags = await readExifTags(path);
  return tags ? { takenAt: exifTime(tags), gps: exifGps(tags) } : { takenAt: null, gps: null };
}

function exifTime(tags: ExifTags): Date | null {
  const raw = tags.DateTimeOriginal ?? tags.CreateDate;
  const m = typeof raw === 'string' ? /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(raw) : null;
  if (!m || m[1] === '0000') return null;
  const offsetTag = tags.OffsetTimeOriginal ?? tags.OffsetTime;
  const offset = typeof offsetTag === 'string' && /^[+-]\d{2}:\d{2}$/.test(offsetTag) ? offsetTag : DEFAULT_EXIF_OFFSET;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${offset}`);
  return Number.isNaN(date.getTime()) ? null : date;
}

function exifGps(tags: ExifTags): { lat: number; lon: number } | null {
  const { latitude: lat, longitude: lon } = tags;
  if (typeof lat !== 'number' || typeof lon !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  // 0,0 is what a receiver without a fix writes, not a place in a township.
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180 || (lat === 0 && lon === 0)) return null;
  return { lat, lon };
}
