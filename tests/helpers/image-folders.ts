// Writes small image-folder domains for tests with sharp itself: a class per colour, plus the broken
// and odd files users' folders contain (greyscale, CMYK, 16-bit, alpha, truncated, non-image).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';

export const CLASS_COLOURS: Record<string, [number, number, number]> = {
  apple: [220, 40, 40],
  leaf: [40, 200, 60],
  sky: [40, 80, 220],
  sun: [240, 220, 40],
};

/** A noisy image of a colour: noise keeps JPEGs large enough that cutting one in half leaves a valid header. */
export async function colourImage(rgb: [number, number, number], width: number, height: number, seed: number): Promise<Sharp> {
  const pixels = Buffer.alloc(width * height * 3);
  let s = seed * 9301 + 49297;
  for (let i = 0; i < pixels.length; i++) {
    s = (s * 9301 + 49297) % 233280;
    pixels[i] = Math.max(0, Math.min(255, rgb[i % 3]! + Math.round((s / 233280 - 0.5) * 60)));
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

/** Writes `count` JPEG/PNG/WebP images per class into `root/<class>/`. */
export async function writeClassImages(root: string, classes: string[], count: number, size: [number, number] = [40, 30]): Promise<void> {
  for (const name of classes) {
    mkdirSync(join(root, name), { recursive: true });
    for (let i = 0; i < count; i++) {
      const image = await colourImage(CLASS_COLOURS[name] ?? [128, 128, 128], size[0], size[1], i + name.length * 100);
      const kind = (['jpg', 'png', 'webp'] as const)[i % 3]!;
      const bytes = kind === 'jpg' ? await image.jpeg().toBuffer() : kind === 'png' ? await image.png().toBuffer() : await image.webp().toBuffer();
      writeFileSync(join(root, name, `${name}-${i}.${kind}`), bytes);
    }
  }
}

/**
 * Adds the odd files to `root/<cls>/`: converted ones (greyscale PNG, CMYK JPEG, 16-bit PNG, alpha
 * WebP) and skipped ones (truncated JPEG and PNG, a text file, a text file named .jpg).
 */
export async function writeOddFiles(root: string, cls: string): Promise<void> {
  const dir = join(root, cls);
  mkdirSync(dir, { recursive: true });
  const base = () => colourImage(CLASS_COLOURS[cls] ?? [128, 128, 128], 48, 40, 7);
  writeFileSync(join(dir, 'odd-grey.png'), await (await base()).toColourspace('b-w').png().toBuffer());
  writeFileSync(join(dir, 'odd-cmyk.jpg'), await (await base()).toColourspace('cmyk').jpeg().toBuffer());
  writeFileSync(join(dir, 'odd-16bit.png'), await (await base()).toColourspace('rgb16').png().toBuffer());
  writeFileSync(join(dir, 'odd-alpha.webp'), await (await base()).ensureAlpha(0.5).webp().toBuffer());
  const jpeg = await (await colourImage([90, 90, 90], 120, 120, 3)).jpeg().toBuffer();
  writeFileSync(join(dir, 'broken-truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  const png = await (await colourImage([90, 90, 90], 120, 120, 4)).png().toBuffer();
  writeFileSync(join(dir, 'broken-truncated.png'), png.subarray(0, Math.floor(png.length / 2)));
  writeFileSync(join(dir, 'notes.txt'), 'photographed on a cloudy day\n');
  writeFileSync(join(dir, 'fake.jpg'), 'this is not a JPEG\n');
}

/**
 * An Office-31-like pair under `dir`: `source/images/<class>/` (with odd files in 'apple', an empty
 * 'empty' folder and a source-only 'sun') and `target/<class>/` (with a target-only 'moon').
 */
export async function writeDomainPair(
  dir: string,
  perClass: { source: number; target: number },
  size?: [number, number],
): Promise<{ source: string; target: string }> {
  const source = join(dir, 'source');
  const target = join(dir, 'target');
  await writeClassImages(join(source, 'images'), ['apple', 'leaf', 'sky', 'sun'], perClass.source, size);
  await writeOddFiles(join(source, 'images'), 'apple');
  mkdirSync(join(source, 'images', 'empty'), { recursive: true });
  await writeClassImages(target, ['apple', 'leaf', 'sky', 'moon'], perClass.target, size);
  return { source, target };
}
