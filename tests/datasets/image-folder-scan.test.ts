// Symbolic links in an image folder: followed when they resolve inside the data folder (a data set arranged without
// copying), reported as skipped with the reason when broken or pointing elsewhere.
import { describe, expect, it, beforeAll } from 'vitest';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { scanImageFolder } from '../../datasets/image-folder-scan.ts';
import { loadImageFolder } from '../../datasets/image-folder-domain.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { writeClassImages } from '../helpers/image-folders.ts';

const dir = useTempDir();
const data = join(dir, 'data');
const outside = join(dir, 'outside');

beforeAll(async () => {
  await writeClassImages(data, ['apple'], 2);
  // A dot folder is never a class itself, so `leaf` exists as a class only through its link.
  await writeClassImages(join(data, '.shared'), ['leaf'], 2);
  await writeClassImages(outside, ['sky'], 2);
  symlinkSync(join(data, 'apple', 'apple-0.jpg'), join(data, 'apple', 'linked.jpg'));
  symlinkSync(join(outside, 'sky', 'sky-0.jpg'), join(data, 'apple', 'escape.jpg'));
  symlinkSync(join(data, 'apple', 'gone.jpg'), join(data, 'apple', 'broken.jpg'));
  symlinkSync(join('.shared', 'leaf'), join(data, 'leaf'));
  symlinkSync(join(outside, 'sky'), join(data, 'sky'));
  mkdirSync(join(data, 'apple', 'nested'));
});

describe('scanImageFolder with symbolic links', () => {
  it('follows links to images and class folders inside the data folder and reports the others with the reason', () => {
    const scan = scanImageFolder(data, 'source');
    expect(scan.classes).toEqual([
      { name: 'apple', files: ['apple/apple-0.jpg', 'apple/apple-1.png', 'apple/linked.jpg'] },
      { name: 'leaf', files: ['leaf/leaf-0.jpg', 'leaf/leaf-1.png'] },
    ]);
    expect(scan.skippedLinks).toEqual([
      { file: 'sky/', detail: 'a symbolic link to outside the data folder' },
      { file: 'apple/broken.jpg', detail: 'a broken symbolic link' },
      { file: 'apple/escape.jpg', detail: 'a symbolic link to outside the data folder' },
    ]);
    expect(scan.notImages).toEqual(['apple/nested/']);
  });

  it('lists the skipped links in the run’s data report', async () => {
    const { reader, report } = await loadImageFolder({ path: data, domain: 'source', size: 32, seed: 1 });
    expect(reader.classNames).toEqual(['apple', 'leaf']);
    expect(
      report.skipped
        .filter((s) => s.detail.includes('symbolic link'))
        .map((s) => `${s.file}:${s.reason}:${s.detail}`)
        .sort(),
    ).toEqual([
      'apple/broken.jpg:unreadable:a broken symbolic link',
      'apple/escape.jpg:unreadable:a symbolic link to outside the data folder',
      'sky/:unreadable:a symbolic link to outside the data folder',
    ]);
  });
});
