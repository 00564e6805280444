// Reads IDX files (LeCun's MNIST format; most digit sets ship in it, often gzipped): unsigned-byte
// tensors with a big-endian header.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { TransferscopeError } from '../core/errors.ts';

export interface IdxTensor {
  /** e.g. [60000, 28, 28] for images, [60000] for labels. */
  shape: number[];
  data: Uint8Array;
}

const TYPE_NAMES: Record<number, string> = { 0x08: 'unsigned byte', 0x09: 'signed byte', 0x0b: 'short', 0x0c: 'int', 0x0d: 'float', 0x0e: 'double' };

/** Parses IDX bytes (gzip is undone first). Only unsigned-byte data is accepted, as MNIST/USPS/SVHN conversions use. */
export function parseIdx(bytes: Uint8Array, name = 'IDX data'): IdxTensor {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(gunzipSync(bytes)) : bytes;
  if (raw.length < 4 || raw[0] !== 0 || raw[1] !== 0) {
    throw new TransferscopeError('INVALID_ARGUMENT', `'${name}' is not an IDX file (its first bytes are ${Array.from(raw.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')}, expected 00 00 08 0n). Convert the set with an IDX writer first.`);
  }
  const type = raw[2]!;
  if (type !== 0x08) {
    throw new TransferscopeError('INVALID_ARGUMENT', `'${name}' holds ${TYPE_NAMES[type] ?? `type 0x${type.toString(16)}`} values; only unsigned bytes (type 0x08) are supported.`);
  }
  const rank = raw[3]!;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (rank < 1 || raw.length < 4 + rank * 4) {
    throw new TransferscopeError('INVALID_ARGUMENT', `'${name}' has a damaged IDX header (rank ${rank}, ${raw.length} bytes).`);
  }
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + i * 4, false));
  const size = shape.reduce((a, b) => a * b, 1);
  const start = 4 + rank * 4;
  if (raw.length - start < size) {
    throw new TransferscopeError('INVALID_ARGUMENT', `'${name}' is truncated: its header announces ${shape.join('x')} = ${size} values but only ${raw.length - start} bytes follow.`);
  }
  return { shape, data: raw.subarray(start, start + size) };
}

/** Reads and parses an IDX file; a missing file is `DATASET_NOT_FOUND`. */
export function readIdxFile(path: string): IdxTensor {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new TransferscopeError('DATASET_NOT_FOUND', `IDX file '${path}' cannot be read. Check the path in the config (relative paths start at the config file's folder).`);
  }
  return parseIdx(bytes, path);
}

/** Bytes of an IDX file holding `data` with `shape` (what tests and converters write). */
export function encodeIdx(shape: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + shape.length * 4 + data.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + i * 4, d, false));
  out.set(data, 4 + shape.length * 4);
  return out;
}
