// Reads IDX files (LeCun's MNIST format; most digit sets ship in it, often gzipped): unsigned-byte
// tensors with a big-endian header.
import { readFileSync, statSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { TransferscopeError } from '../core/errors.ts';

export interface IdxTensor {
  /** e.g. [60000, 28, 28] for images, [60000] for labels. */
  shape: number[];
  data: Uint8Array;
}

const TYPE_NAMES: Record<number, string> = { 0x08: 'unsigned byte', 0x09: 'signed byte', 0x0b: 'short', 0x0c: 'int', 0x0d: 'float', 0x0e: 'double' };

/**
 * The most values an IDX file may hold: 1 GiB, about 20 times MNIST's training images. Bounds the memory a file can
 * claim, whatever its header says or its gzip stream inflates to.
 */
export const MAX_IDX_VALUES = 2 ** 30;
/** The largest IDX file read: a full file of MAX_IDX_VALUES with the longest header. */
export const MAX_IDX_FILE_BYTES = MAX_IDX_VALUES + 4 + 255 * 4;

const isGzip = (bytes: Uint8Array) => bytes[0] === 0x1f && bytes[1] === 0x8b;
const hex = (bytes: Uint8Array) => Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');

/** Shape and header length from the first bytes of IDX data; refuses other formats and oversized shapes. */
function readHeader(head: Uint8Array, name: string): { shape: number[]; start: number; size: number } {
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `'${name}' is not an IDX file (its first bytes are ${hex(head)}, expected 00 00 08 0n). Convert the set with an IDX writer first.`,
    );
  }
  const type = head[2]!;
  if (type !== 0x08) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `'${name}' holds ${TYPE_NAMES[type] ?? `type 0x${type.toString(16)}`} values; only unsigned bytes (type 0x08) are supported.`,
    );
  }
  const rank = head[3]!;
  const start = 4 + rank * 4;
  if (rank < 1 || head.length < start) {
    throw new TransferscopeError('INVALID_ARGUMENT', `'${name}' has a damaged IDX header (rank ${rank}, ${head.length} bytes).`);
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + i * 4, false));
  const size = shape.reduce((a, b) => a * b, 1);
  if (size > MAX_IDX_VALUES) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `'${name}' announces ${shape.join('x')} values, more than the ${MAX_IDX_VALUES} an IDX file may hold here; use a subset of the set.`,
    );
  }
  return { shape, start, size };
}

/**
 * Undoes gzip, inflating no more than the header announces: a gzip bomb stops at the announced size instead of
 * filling memory. The header is read from the first compressed bytes, flushed without waiting for the stream's end.
 */
function gunzipBounded(bytes: Uint8Array, name: string): Uint8Array {
  let head: Uint8Array;
  try {
    head = gunzipSync(bytes.subarray(0, 1 << 12), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch {
    throw new TransferscopeError('INVALID_ARGUMENT', `'${name}' starts like gzip but does not inflate; check that the download is complete.`);
  }
  const { start, size } = readHeader(head, name);
  try {
    return new Uint8Array(gunzipSync(bytes, { maxOutputLength: start + size }));
  } catch (err) {
    const tooLarge = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      tooLarge
        ? `'${name}' inflates to more than the ${start + size} bytes its IDX header announces; it is damaged or not an IDX file.`
        : `'${name}' is a damaged gzip file; check that the download is complete.`,
    );
  }
}

/** Parses IDX bytes (gzip is undone first). Only unsigned-byte data is accepted, as MNIST/USPS/SVHN conversions use. */
export function parseIdx(bytes: Uint8Array, name = 'IDX data'): IdxTensor {
  const raw = isGzip(bytes) ? gunzipBounded(bytes, name) : bytes;
  const { shape, start, size } = readHeader(raw, name);
  if (raw.length - start < size) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `'${name}' is truncated: its header announces ${shape.join('x')} = ${size} values but only ${raw.length - start} bytes follow.`,
    );
  }
  return { shape, data: raw.subarray(start, start + size) };
}

/**
 * Throws unless `path` is a regular file of at most MAX_IDX_FILE_BYTES: DATASET_NOT_FOUND when it is missing,
 * INVALID_ARGUMENT for a device, a pipe or a folder (/dev/zero never ends) or an oversized file.
 */
export function checkIdxFile(path: string): void {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new TransferscopeError(
      'DATASET_NOT_FOUND',
      `IDX file '${path}' cannot be read. Check the path in the config (relative paths start at the config file's folder).`,
    );
  }
  if (!stats.isFile()) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `IDX file '${path}' is not a regular file (a device, pipe or folder); point the config at the file itself.`,
    );
  }
  if (stats.size > MAX_IDX_FILE_BYTES) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `IDX file '${path}' has ${stats.size} bytes, more than the ${MAX_IDX_FILE_BYTES} read here; use a subset of the set.`,
    );
  }
}

/** Reads and parses an IDX file; a missing file is `DATASET_NOT_FOUND`, a device or an oversized file INVALID_ARGUMENT. */
export function readIdxFile(path: string): IdxTensor {
  checkIdxFile(path);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new TransferscopeError(
      'DATASET_NOT_FOUND',
      `IDX file '${path}' cannot be read. Check the path in the config (relative paths start at the config file's folder).`,
    );
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
