// The domain part of a config: embedded digits, image folders (Office-31 layout) or IDX files.
import { fail, readBoolean, readNumber, readObject, readOptionalNumber, readPath, rejectUnknown, type Json } from './config-read.ts';

export type DomainSpec =
  | { kind: 'synthetic-digits'; count: number }
  | { kind: 'mnist'; count: number }
  /** One sub-folder per class of JPEG/PNG/WebP files; `flip` lets augmentation mirror images (default true). */
  | { kind: 'image-folder'; path: string; maxPerClass?: number; flip: boolean }
  /** An IDX images file ([n, h, w] or [n, h, w, 1|3] bytes) and its labels file; optionally gzipped. */
  | { kind: 'idx'; images: string; labels: string; perClass?: number };

export const DOMAIN_KINDS = ['synthetic-digits', 'mnist', 'image-folder', 'idx'] as const;

/** Kinds held in memory at the model's input size: fine for 32x32 digits, not for 227x227 images. */
export const IN_MEMORY_KINDS: readonly DomainSpec['kind'][] = ['synthetic-digits', 'mnist', 'idx'];

export function readDomain(obj: Json, key: 'source' | 'target', file: string, baseDir: string | undefined): DomainSpec {
  const d = readObject(obj, key, '', file);
  const path = `${key}.`;
  switch (d.kind) {
    case 'synthetic-digits':
    case 'mnist': {
      rejectUnknown(d, ['kind', 'count'], path, file);
      const count = readNumber(d, 'count', path, file, { int: true, min: 20, max: 1_000_000 });
      if (d.kind === 'mnist' && count > 10_000) {
        fail(
          file,
          `'${key}.count' is ${count} but the embedded MNIST set has 10000 images; use at most 10000, or point an 'idx' domain at the full MNIST files.`,
        );
      }
      return { kind: d.kind, count };
    }
    case 'image-folder': {
      rejectUnknown(d, ['kind', 'path', 'maxPerClass', 'flip'], path, file);
      const maxPerClass = readOptionalNumber(d, 'maxPerClass', path, file, { int: true, min: 1, max: 10_000_000 });
      return {
        kind: 'image-folder',
        path: readPath(d, 'path', path, file, baseDir),
        flip: readBoolean(d, 'flip', path, file, true),
        ...(maxPerClass !== undefined ? { maxPerClass } : {}),
      };
    }
    case 'idx': {
      rejectUnknown(d, ['kind', 'images', 'labels', 'perClass'], path, file);
      const perClass = readOptionalNumber(d, 'perClass', path, file, { int: true, min: 1, max: 10_000_000 });
      return {
        kind: 'idx',
        images: readPath(d, 'images', path, file, baseDir),
        labels: readPath(d, 'labels', path, file, baseDir),
        ...(perClass !== undefined ? { perClass } : {}),
      };
    }
    default:
      return fail(file, `'${key}.kind' must be one of ${DOMAIN_KINDS.map((k) => `'${k}'`).join(', ')} (got ${JSON.stringify(d.kind)}).`);
  }
}
