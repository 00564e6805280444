// The training config: its type, its defaults, and the validation that turns a JSON file into it.
// Validation happens once, where the file enters the program; every message names the field and the fix.
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { TransferscopeError } from '../core/errors.ts';
import { PAPER_MAX_PER_CLASS } from '../core/analysis-settings.ts';
import { IN_MEMORY_KINDS, readDomain, type DomainSpec } from './config-domains.ts';
import { readPhase, type PhaseConfig } from './config-phase.ts';
import { ALEXNET_LAYERS } from './alexnet.ts';
import { fail, readNumber, readObject, readPath, rejectUnknown, type Json } from './config-read.ts';

export type { DomainSpec } from './config-domains.ts';
export { checkConfigFiles } from './config-files.ts';
export type { LearningRateKey, PhaseConfig } from './config-phase.ts';
/** The AlexNet variants: their monitored layers are conv1..fc8 whatever the class count. */
export type ModelVariant = 'alexnet-32' | 'alexnet-227';
/** Built-in networks a config can name; 'imported' fine-tunes the `pretrained` file's own network. */
export const MODEL_NAMES = ['alexnet-32', 'alexnet-227', 'resnet-20', 'mobilenet-32', 'imported'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export function isAlexNetVariant(model: ModelName): model is ModelVariant {
  return model === 'alexnet-32' || model === 'alexnet-227';
}

export interface TrainConfig {
  name: string;
  seed: number;
  model: ModelName;
  /** The monitored layers by name, in model order; absent: every Conv2D, DepthwiseConv2D, SeparableConv2D and Dense layer. */
  monitor?: string[];
  source: DomainSpec;
  target: DomainSpec;
  /** Fraction of each domain used for training; the rest is validation (the paper: 0.85). */
  trainFraction: number;
  /** With `pretrained`, `phases.source` is not trained (it may be omitted). */
  phases: { source: PhaseConfig; target: PhaseConfig };
  /** Store every layer's weights every k epochs (and always at the last epoch of each phase). */
  checkpointEvery: number;
  /** Training-set accuracies are measured on at most this many instances per domain each epoch. */
  evalTrainSamples: number;
  /** A TensorFlow.js Layers model (model.json + weight shards) used as the source model instead of training one. */
  pretrained?: { path: string };
  /** Analyses refined to the paper's settings attribute at most this many validation instances per class and domain. */
  paperMaxPerClass: number;
}

const FIELDS = [
  'name',
  'seed',
  'model',
  'monitor',
  'source',
  'target',
  'trainFraction',
  'phases',
  'checkpointEvery',
  'evalTrainSamples',
  'pretrained',
  'paperMaxPerClass',
];

// Stands in for `phases.source` when a pretrained model replaces the source phase; never trained.
const UNUSED_SOURCE_PHASE = { epochs: 1, learningRate: 0.001 };

/** `model`: a built-in network, or 'imported' (the default with `pretrained`: the file's own network). */
function readModel(obj: Json, pretrained: boolean, file: string): ModelName {
  const model = obj.model ?? (pretrained ? 'imported' : 'alexnet-32');
  if (!(MODEL_NAMES as readonly unknown[]).includes(model)) {
    fail(file, `'model' must be one of ${MODEL_NAMES.map((m) => `'${m}'`).join(', ')} (got ${JSON.stringify(model)}).`);
  }
  const name = model as ModelName;
  if (name === 'imported' && !pretrained) {
    fail(file, `'model' 'imported' fine-tunes the network of 'pretrained', but the config has no 'pretrained' path; add one, or name a built-in model.`);
  }
  if (pretrained && (name === 'resnet-20' || name === 'mobilenet-32')) {
    fail(file, `'model' '${name}' is trained from scratch; to fine-tune the network in 'pretrained', leave 'model' out (or write 'imported').`);
  }
  return name;
}

/** `monitor`: layer names, checked against the model when it is built (AlexNet's here). */
function readMonitor(obj: Json, model: ModelName, file: string): string[] | undefined {
  if (obj.monitor === undefined) {
    return undefined;
  }
  const names = obj.monitor;
  if (!Array.isArray(names) || names.length === 0 || names.length > 1000 || names.some((n) => typeof n !== 'string' || n === '')) {
    fail(file, `'monitor' must be a list of layer names, for example ["conv1", "fc8"] (got ${JSON.stringify(names).slice(0, 60)}).`);
  }
  const list = names as string[];
  const twice = list.find((n, i) => list.indexOf(n) !== i);
  if (twice !== undefined) {
    fail(file, `'monitor' lists layer '${twice}' twice; list each layer once.`);
  }
  const unknown = isAlexNetVariant(model) ? list.find((n) => !(ALEXNET_LAYERS as readonly string[]).includes(n)) : undefined;
  if (unknown !== undefined) {
    fail(file, `'monitor' lists '${unknown}', which ${model} does not have; its layers are ${ALEXNET_LAYERS.join(', ')}.`);
  }
  return list;
}

/**
 * Validates a parsed config object; `file` only names the source in messages. Relative paths are
 * resolved against `baseDir` when given (loadConfig passes the config file's folder).
 */
export function validateConfig(raw: unknown, file = 'config', baseDir?: string): TrainConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    fail(file, `expected a JSON object (got ${String(JSON.stringify(raw)).slice(0, 40)}).`);
  }
  const obj = raw as Json;
  rejectUnknown(obj, FIELDS, '', file);
  if (typeof obj.name !== 'string' || !/^[A-Za-z0-9._-]{1,40}$/.test(obj.name)) {
    fail(file, `'name' must be 1-40 letters, digits, '.', '_' or '-' (got ${JSON.stringify(obj.name)}).`);
  }
  let pretrained: TrainConfig['pretrained'];
  if (obj.pretrained !== undefined) {
    const p = readObject(obj, 'pretrained', '', file);
    rejectUnknown(p, ['path'], 'pretrained.', file);
    pretrained = { path: readPath(p, 'path', 'pretrained.', file, baseDir) };
  }
  const model = readModel(obj, pretrained !== undefined, file);
  const monitor = readMonitor(obj, model, file);
  const phases = readObject(obj, 'phases', '', file);
  rejectUnknown(phases, ['source', 'target'], 'phases.', file);
  const source = readDomain(obj, 'source', file, baseDir);
  const target = readDomain(obj, 'target', file, baseDir);
  for (const [key, spec] of [
    ['source', source],
    ['target', target],
  ] as const) {
    if (model === 'alexnet-227' && IN_MEMORY_KINDS.includes(spec.kind)) {
      fail(
        file,
        `'${key}.kind' '${spec.kind}' is held in memory at the model's input size, too big at 227x227; use "model": "alexnet-32" for digits, or an 'image-folder' domain.`,
      );
    }
  }
  // AlexNet's monitored layers are known without building it; other models' are checked once built (checkPhaseLayers).
  const layers = isAlexNetVariant(model) ? (monitor ?? ALEXNET_LAYERS) : undefined;
  return {
    name: obj.name,
    seed: readNumber(obj, 'seed', '', file, { int: true, min: 0, max: 2 ** 31 - 1, fallback: 42 }),
    model,
    ...(monitor ? { monitor } : {}),
    source,
    target,
    trainFraction: readNumber(obj, 'trainFraction', '', file, { min: 0.1, max: 0.95, fallback: 0.85 }),
    phases: {
      source: readPhase(pretrained && phases.source === undefined ? { source: UNUSED_SOURCE_PHASE } : phases, 'source', file, layers),
      target: readPhase(phases, 'target', file, layers),
    },
    checkpointEvery: readNumber(obj, 'checkpointEvery', '', file, { int: true, min: 1, max: 1000, fallback: 1 }),
    evalTrainSamples: readNumber(obj, 'evalTrainSamples', '', file, { int: true, min: 10, max: 1_000_000, fallback: 1000 }),
    ...(pretrained ? { pretrained } : {}),
    paperMaxPerClass: readNumber(obj, 'paperMaxPerClass', '', file, { int: true, min: 1, max: 100_000, fallback: PAPER_MAX_PER_CLASS }),
  };
}

// A config is a few hundred bytes; these bounds only keep a hostile file (a device, a deep nest) from hurting.
const MAX_CONFIG_BYTES = 1 << 20;
const MAX_CONFIG_DEPTH = 32;

/** The deepest nesting of objects and arrays in JSON text (brackets inside strings do not count). */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') {
        i++;
      } else if (ch === '"') {
        inString = false;
      }
    } else if (ch === '"') {
      inString = true;
    } else if (ch === '{' || ch === '[') {
      deepest = Math.max(deepest, ++depth);
    } else if (ch === '}' || ch === ']') {
      depth--;
    }
  }
  return deepest;
}

/** Reads and validates a config file; a missing, oversized, too deeply nested file or bad JSON is INVALID_CONFIG too. */
export function loadConfig(file: string): TrainConfig {
  const cannotRead = (why: string) =>
    new TransferscopeError('INVALID_CONFIG', `Cannot read config file '${file}': ${why}. Check the path; the shipped configs are in configs/.`);
  let text: string;
  try {
    const stats = statSync(file);
    if (!stats.isFile()) {
      throw cannotRead('it is not a regular file');
    }
    if (stats.size > MAX_CONFIG_BYTES) {
      throw cannotRead(`it has ${stats.size} bytes, more than a config's limit of ${MAX_CONFIG_BYTES}`);
    }
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw err instanceof TransferscopeError ? err : cannotRead('it does not exist or is not readable');
  }
  const depth = jsonNestingDepth(text);
  if (depth > MAX_CONFIG_DEPTH) {
    throw new TransferscopeError('INVALID_CONFIG', `Config file '${file}' nests objects and arrays ${depth} deep; a config needs at most ${MAX_CONFIG_DEPTH}.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    // V8's message quotes the text around the fault; the position is enough to find it.
    const at = /position (\d+)/.exec((err as Error).message)?.[1];
    throw new TransferscopeError('INVALID_CONFIG', `Config file '${file}' is not valid JSON${at === undefined ? '' : ` (error at character ${at})`}.`);
  }
  return validateConfig(raw, file, dirname(resolve(file)));
}
