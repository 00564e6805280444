// The training config: its type, its defaults, and the validation that turns a JSON file into it.
// Validation happens once, where the file enters the program; every message names the field and the fix.
import { readFileSync } from 'node:fs';
import { TransferscopeError } from '../monitor/errors.ts';

export type ModelVariant = 'alexnet-32' | 'alexnet-227';
export type DomainSpec =
  | { kind: 'synthetic-digits'; count: number }
  | { kind: 'mnist'; count: number };

export interface PhaseConfig {
  epochs: number;
  batchSize: number;
  learningRate: number;
}

export interface TrainConfig {
  name: string;
  seed: number;
  model: ModelVariant;
  source: DomainSpec;
  target: DomainSpec;
  /** Fraction of each domain used for training; the rest is validation (the paper: 0.85). */
  trainFraction: number;
  phases: { source: PhaseConfig; target: PhaseConfig };
  /** Store every layer's weights every k epochs (and always at the last epoch of each phase). */
  checkpointEvery: number;
  /** Training-set accuracies are measured on at most this many instances per domain each epoch. */
  evalTrainSamples: number;
}

type Json = Record<string, unknown>;

function fail(file: string, message: string): never {
  throw new TransferscopeError('INVALID_CONFIG', `Invalid config ${file}: ${message}`);
}

function readNumber(obj: Json, key: string, path: string, file: string, opts: { int?: boolean; min: number; max: number; fallback?: number }): number {
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

function readObject(obj: Json, key: string, path: string, file: string): Json {
  const value = obj[key];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(file, `'${path}${key}' must be an object (got ${JSON.stringify(value)}).`);
  }
  return value as Json;
}

function readDomain(obj: Json, key: 'source' | 'target', file: string): DomainSpec {
  const d = readObject(obj, key, '', file);
  const count = readNumber(d, 'count', `${key}.`, file, { int: true, min: 20, max: 1_000_000 });
  if (d.kind === 'synthetic-digits' || d.kind === 'mnist') {
    if (d.kind === 'mnist' && count > 10_000) {
      fail(file, `'${key}.count' is ${count} but the embedded MNIST set has 10000 images; use at most 10000.`);
    }
    return { kind: d.kind, count };
  }
  return fail(file, `'${key}.kind' must be 'synthetic-digits' or 'mnist' (got ${JSON.stringify(d.kind)}).`);
}

function readPhase(obj: Json, key: 'source' | 'target', file: string): PhaseConfig {
  const p = readObject(obj, key, 'phases.', file);
  const path = `phases.${key}.`;
  return {
    epochs: readNumber(p, 'epochs', path, file, { int: true, min: 1, max: 1000 }),
    batchSize: readNumber(p, 'batchSize', path, file, { int: true, min: 1, max: 4096, fallback: 64 }),
    learningRate: readNumber(p, 'learningRate', path, file, { min: 1e-7, max: 10 }),
  };
}

/** Validates a parsed config object; `file` only names the source in messages. */
export function validateConfig(raw: unknown, file = 'config'): TrainConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    fail(file, `expected a JSON object (got ${JSON.stringify(raw)?.slice(0, 40)}).`);
  }
  const obj = raw as Json;
  const known = new Set(['name', 'seed', 'model', 'source', 'target', 'trainFraction', 'phases', 'checkpointEvery', 'evalTrainSamples', '$comment']);
  const unknown = Object.keys(obj).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    fail(file, `unknown field '${unknown[0]}'. Known fields: ${[...known].filter((k) => k !== '$comment').join(', ')}.`);
  }
  if (typeof obj.name !== 'string' || !/^[A-Za-z0-9._-]{1,40}$/.test(obj.name)) {
    fail(file, `'name' must be 1-40 letters, digits, '.', '_' or '-' (got ${JSON.stringify(obj.name)}).`);
  }
  const model = obj.model ?? 'alexnet-32';
  if (model !== 'alexnet-32' && model !== 'alexnet-227') {
    fail(file, `'model' must be 'alexnet-32' or 'alexnet-227' (got ${JSON.stringify(model)}).`);
  }
  const phases = readObject(obj, 'phases', '', file);
  return {
    name: obj.name,
    seed: readNumber(obj, 'seed', '', file, { int: true, min: 0, max: 2 ** 31 - 1, fallback: 42 }),
    model,
    source: readDomain(obj, 'source', file),
    target: readDomain(obj, 'target', file),
    trainFraction: readNumber(obj, 'trainFraction', '', file, { min: 0.1, max: 0.95, fallback: 0.85 }),
    phases: { source: readPhase(phases, 'source', file), target: readPhase(phases, 'target', file) },
    checkpointEvery: readNumber(obj, 'checkpointEvery', '', file, { int: true, min: 1, max: 1000, fallback: 1 }),
    evalTrainSamples: readNumber(obj, 'evalTrainSamples', '', file, { int: true, min: 10, max: 1_000_000, fallback: 1000 }),
  };
}

/** Reads and validates a config file; a missing file or bad JSON is an INVALID_CONFIG error too. */
export function loadConfig(file: string): TrainConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new TransferscopeError('INVALID_CONFIG', `Cannot read config file '${file}'. Check the path; the shipped configs are in configs/.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new TransferscopeError('INVALID_CONFIG', `Config file '${file}' is not valid JSON (${(err as Error).message}).`);
  }
  return validateConfig(raw, file);
}
