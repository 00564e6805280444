// An image-folder domain as an ImageReader: every file is decoded once up front to find the broken
// ones (the validation split must not shrink mid-run), then decoded again per batch while training,
// so only labels and file names stay in memory.
import { join } from 'node:path';
import { TransferscopeError } from '../core/errors.ts';
import type { Domain } from '../core/protocol.ts';
import { cropInto } from './augment.ts';
import { emptyDomainReport, type DomainLoadReport } from './data-report.ts';
import { decodeErrorDetail, decodeSide, decodeSquare, inspectImage, isUnsupportedFormat } from './image-decode.ts';
import { scanImageFolder } from './image-folder-scan.ts';
import type { ImageReader } from './image-reader.ts';
import { SeededRandom } from '../lib/random/index.ts';

export interface ImageFolderOptions {
  path: string;
  domain: Domain;
  /** Model input side: images are decoded at `decodeSide(size)` and cropped to `size`. */
  size: number;
  /** Keep at most this many images per class (a seeded choice); all when absent. */
  maxPerClass?: number;
  /** Picks the `maxPerClass` subset. */
  seed: number;
  /** Whether augmentation may mirror images (default true: photos of objects mirror well). */
  flip?: boolean;
  /** Files decoded at once while checking; sharp runs them on libuv's threads. */
  concurrency?: number;
}

/** Runs `work` over `items` with at most `limit` in flight; results in item order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/**
 * Scans, checks and indexes an image folder. Non-image and undecodable files are skipped and
 * listed in the report; a class left without images counts as absent. Throws `DATASET_NOT_FOUND`
 * when the folder is missing or no class has a usable image.
 */
export async function loadImageFolder(options: ImageFolderOptions): Promise<{ reader: ImageReader; report: DomainLoadReport }> {
  const scan = scanImageFolder(options.path, options.domain);
  const report = emptyDomainReport(options.domain);
  report.emptyClasses.push(...scan.emptyClasses);
  for (const file of scan.notImages) {
    report.skipped.push({
      domain: options.domain,
      file,
      reason: 'not-an-image',
      detail: file.endsWith('/') ? 'a folder inside a class folder' : 'not a .jpg, .jpeg, .png or .webp file',
    });
  }
  for (const link of scan.skippedLinks) {
    report.skipped.push({ domain: options.domain, file: link.file, reason: 'unreadable', detail: link.detail });
  }
  const side = decodeSide(options.size);
  const random = new SeededRandom(options.seed);
  const files: string[] = [];
  const labels: number[] = [];
  const classNames: string[] = [];
  for (const cls of scan.classes) {
    const candidates =
      options.maxPerClass !== undefined && cls.files.length > options.maxPerClass
        ? random
            .shuffle([...cls.files])
            .slice(0, options.maxPerClass)
            .sort()
        : cls.files;
    const checked = await mapLimited(candidates, options.concurrency ?? 8, async (file) => {
      const path = join(scan.root, file);
      try {
        const facts = await inspectImage(path);
        await decodeSquare(path, side);
        return facts;
      } catch (err) {
        report.skipped.push({ domain: options.domain, file, reason: isUnsupportedFormat(err) ? 'not-an-image' : 'unreadable', detail: decodeErrorDetail(err) });
        return null;
      }
    });
    const usable = candidates.filter((_, i) => checked[i] !== null);
    if (usable.length === 0) {
      report.emptyClasses.push(cls.name);
      continue;
    }
    for (const facts of checked) {
      for (const kind of ['greyscale', 'cmyk', 'sixteenBit', 'alpha'] as const) {
        report.converted[kind] += facts?.[kind] ? 1 : 0;
      }
    }
    for (const file of usable) {
      files.push(join(scan.root, file));
      labels.push(classNames.length);
    }
    classNames.push(cls.name);
  }
  report.skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  if (classNames.length === 0) {
    throw new TransferscopeError(
      'DATASET_NOT_FOUND',
      `The ${options.domain} image folder '${scan.root}' has no readable image in any class folder (${report.skipped.length} files skipped). Check the files are JPEG, PNG or WebP.`,
    );
  }
  return { reader: imageFolderReader(files, Int32Array.from(labels), classNames, options.size, options.flip ?? true), report };
}

/** A reader that decodes `files` on every read; augmentation picks a random crop and flip. */
export function imageFolderReader(files: string[], labels: Int32Array, classNames: string[], size: number, flip: boolean): ImageReader {
  const side = decodeSide(size);
  const length = size * size * 3;
  const centre = Math.floor((side - size) / 2);
  return {
    count: files.length,
    height: size,
    width: size,
    classNames,
    labels,
    async read(rows, augment) {
      const crops = Array.from(rows, () =>
        augment
          ? { left: augment.int(side - size + 1), top: augment.int(side - size + 1), flip: flip && augment.chance(0.5) }
          : { left: centre, top: centre, flip: false },
      );
      const out = new Float32Array(rows.length * length);
      await Promise.all(
        Array.from(rows, async (row, i) => {
          const file = files[row]!;
          let raw: Uint8Array;
          try {
            raw = await decodeSquare(file, side);
          } catch (err) {
            throw new TransferscopeError(
              'DATASET_NOT_FOUND',
              `Image '${file}' decoded when the run started but not now (${decodeErrorDetail(err)}); was it changed during training?`,
            );
          }
          const crop = crops[i]!;
          cropInto(out, i * length, raw, side, size, crop.left, crop.top, crop.flip);
        }),
      );
      return out;
    },
  };
}
