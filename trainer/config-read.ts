// Field readers for config validation: each names the field's path and what it got in its message.
import { isAbsolute, resolve } from 'node:path';
import { TransferscopeError } from '../core/errors.ts';

export type Json = Record<string, unknown>;

export function fail(file: string, message: string): never {
  throw new TransferscopeError('INVALID_CONFIG', `Invalid config ${file}: ${message}`);
}

export function readNumber(obj: Json, key: string, path: string, file: string, opts: { int?: boolean; min: number; max: number; fallback?: number }): number {
  const value = obj[key] ?? opts.fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    fail(file, `'${path}${key}' must be a number (got ${JSON.stringify(value)}).`);
  }
  if (opts.int && !Number.isInteger(value)) {
    fail(file, `'${path}${key}' must be a whole number (got ${value}).`);
  }
  if (value < opts.min || value > opts.max) {
    fail(file, `'${path}${key}' must be between ${opts.min} and ${opts.max} (got ${value}).`);
  }
  return value;
}

/** An optional number: undefined when the field is absent. */
export function readOptionalNumber(obj: Json, key: string, path: string, file: string, opts: { int?: boolean; min: number; max: number }): number | undefined {
  return obj[key] === undefined ? undefined : readNumber(obj, key, path, file, opts);
}

export function readBoolean(obj: Json, key: string, path: string, file: string, fallback: boolean): boolean {
  const value = obj[key] ?? fallback;
  if (typeof value !== 'boolean') {
    fail(file, `'${path}${key}' must be true or false (got ${JSON.stringify(value)}).`);
  }
  return value;
}

export function readObject(obj: Json, key: string, path: string, file: string): Json {
  const value = obj[key];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(file, `'${path}${key}' must be an object (got ${JSON.stringify(value)}).`);
  }
  return value as Json;
}

/** A file or folder path; relative ones are resolved against `baseDir` when one is given. */
export function readPath(obj: Json, key: string, path: string, file: string, baseDir: string | undefined): string {
  const value = obj[key];
  if (typeof value !== 'string' || value.trim() === '') {
    fail(file, `'${path}${key}' must be a path (got ${JSON.stringify(value)}); relative paths start at the config file's folder.`);
  }
  return baseDir !== undefined && !isAbsolute(value) ? resolve(baseDir, value) : value;
}

/** Refuses fields other than `known` (and '$comment'), naming the first stray one. */
export function rejectUnknown(obj: Json, known: readonly string[], path: string, file: string): void {
  const stray = Object.keys(obj).find((k) => k !== '$comment' && !known.includes(k));
  if (stray !== undefined) {
    fail(file, `unknown field '${path}${stray}'. Known fields${path ? ` of '${path.slice(0, -1)}'` : ''}: ${known.join(', ')}.`);
  }
}
