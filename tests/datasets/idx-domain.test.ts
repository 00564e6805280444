import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx, MAX_IDX_VALUES, parseIdx, readIdxFile } from '../../datasets/idx-file.ts';
import { loadIdxDomain } from '../../datasets/idx-domain.ts';
import { classCounts } from '../../datasets/image-set.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const dir = useTempDir();

/** n 28x28 digits whose pixel (r, c) is label*20 + r, with labels cycling over `classes`. */
function writeDigits(name: string, n: number, classes: number[], gzip = false): { images: string; labels: string } {
  const pixels = new Uint8Array(n * 28 * 28);
  const labels = Uint8Array.from({ length: n }, (_, i) => classes[i % classes.length]!);
  labels.forEach((label, i) => {
    for (let r = 0; r < 28; r++) {
      pixels.fill(label * 20 + r, (i * 28 + r) * 28, (i * 28 + r + 1) * 28);
    }
  });
  const images = join(dir, `${name}-images.idx${gzip ? '.gz' : ''}`);
  const labelFile = join(dir, `${name}-labels.idx`);
  const imageBytes = encodeIdx([n, 28, 28], pixels);
  writeFileSync(images, gzip ? gzipSync(imageBytes) : imageBytes);
  writeFileSync(labelFile, encodeIdx([n], labels));
  return { images, labels: labelFile };
}

describe('parseIdx', () => {
  it('reads the header and data, gzipped or not', () => {
    const bytes = encodeIdx([2, 3], Uint8Array.of(1, 2, 3, 4, 5, 6));
    expect(parseIdx(bytes)).toEqual({ shape: [2, 3], data: Uint8Array.of(1, 2, 3, 4, 5, 6) });
    expect(parseIdx(gzipSync(bytes)).shape).toEqual([2, 3]);
  });

  it('refuses other formats, other value types and truncated files with what it found', () => {
    expect(() => parseIdx(Uint8Array.of(0x89, 0x50, 0x4e, 0x47), 'x.png')).toThrow(/'x.png' is not an IDX file \(its first bytes are 89 50 4e 47/);
    const floats = encodeIdx([1], Uint8Array.of(0, 0, 0, 0));
    floats[2] = 0x0d;
    expect(() => parseIdx(floats, 'f.idx')).toThrow(/holds float values; only unsigned bytes/);
    expect(() => parseIdx(encodeIdx([4, 4], new Uint8Array(16)).subarray(0, 20), 't.idx')).toThrow(
      /truncated: its header announces 4x4 = 16 values but only 8 bytes follow/,
    );
  });
});

describe('hostile IDX files', () => {
  it('inflates a gzip bomb only up to the size its header announces', () => {
    // One small real member, then members of 64 MiB of zeros each: 1 GiB once inflated, refused after 22 bytes.
    const zeros = gzipSync(Buffer.alloc(64 << 20));
    const bomb = Buffer.concat([gzipSync(encodeIdx([2, 3], new Uint8Array(6))), ...Array.from({ length: 16 }, () => zeros)]);
    expect(() => parseIdx(bomb, 'bomb.gz')).toThrow("'bomb.gz' inflates to more than the 18 bytes its IDX header announces; it is damaged or not an IDX file.");
  });

  it('refuses a header announcing more values than the limit before inflating anything', () => {
    const claim = encodeIdx([MAX_IDX_VALUES, 2], new Uint8Array(0));
    expect(() => parseIdx(gzipSync(claim), 'huge.gz')).toThrow(new RegExp(`'huge.gz' announces ${MAX_IDX_VALUES}x2 values, more than the ${MAX_IDX_VALUES}`));
    expect(() => parseIdx(claim, 'huge.idx')).toThrow(/announces/);
  });

  it('refuses devices and folders instead of reading them', () => {
    expect(() => readIdxFile('/dev/zero')).toThrow(
      "IDX file '/dev/zero' is not a regular file (a device, pipe or folder); point the config at the file itself.",
    );
    expect(() => readIdxFile(dir)).toThrow(/is not a regular file/);
  });

  it('reads a gzip file whose first compressed block holds the header with the data', () => {
    const data = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251);
    expect(parseIdx(gzipSync(encodeIdx([50, 100], data))).data).toEqual(data);
  });
});

describe('loadIdxDomain', () => {
  it('pads 28x28 digits into a 32x32 canvas as RGB and names classes by label value', () => {
    const files = writeDigits('pad', 12, [3, 1, 7], true);
    const set = loadIdxDomain({ ...files, size: 32, seed: 1 });
    expect(set.classNames).toEqual(['1', '3', '7']);
    expect(set.count).toBe(12);
    const first = set.images.subarray(0, 32 * 32 * 3);
    const label = Number(set.classNames[set.labels[0]!]);
    // The 2-pixel border is empty; row 2 is the digit's row 0, grey in all three channels.
    expect(first[(0 * 32 + 5) * 3]).toBe(0);
    expect(first[(2 * 32 + 5) * 3]).toBeCloseTo((label * 20) / 255, 5);
    expect(first[(2 * 32 + 5) * 3 + 2]).toBe(first[(2 * 32 + 5) * 3]);
  });

  it('keeps a seeded balanced subset with perClass', () => {
    const files = writeDigits('sub', 40, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const a = loadIdxDomain({ ...files, size: 32, seed: 4, perClass: 2 });
    expect(classCounts(a)).toEqual(new Array(10).fill(2));
    expect(loadIdxDomain({ ...files, size: 32, seed: 4, perClass: 2 }).images).toEqual(a.images);
  });

  it('refuses mismatched label files and a missing file', () => {
    const files = writeDigits('bad', 6, [0, 1]);
    const other = writeDigits('other', 5, [0, 1]);
    expect(() => loadIdxDomain({ images: files.images, labels: other.labels, size: 32, seed: 1 })).toThrow(/have shape 5 but the images file holds 6 images/);
    expect(() => loadIdxDomain({ images: join(dir, 'missing.idx'), labels: files.labels, size: 32, seed: 1 })).toThrow(/cannot be read/);
  });
});
