// Validators for identifiers and numbers that enter the program from outside (CLI flags, URL parameters).
// They live in core/ so the CLI, the routes and the analysis worker share them without importing a route.
import type { Phase } from './protocol.ts';
import { TransferscopeError } from './errors.ts';

const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Throws INVALID_ARGUMENT unless `id` is a safe run id (it is interpolated into SQL filters). */
export function assertRunId(id: string): void {
  if (!RUN_ID_PATTERN.test(id)) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `Invalid run id '${clip(id)}': use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.`,
    );
  }
}

/** The largest epoch number accepted anywhere: far above any run, far below 2^31. */
export const MAX_EPOCH = 1_000_000;

/**
 * Parses a whole number written in plain decimal digits within [min, max]. Exponents (`1e3`), signs, fractions and
 * values past `max` are refused, so every number that reaches a store filter is a small validated integer.
 */
export function parseBoundedInteger(value: string, name: string, min: number, max: number): number {
  const n = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new TransferscopeError('INVALID_ARGUMENT', `Invalid ${name} '${clip(value)}': use a whole number from ${min} to ${max}.`);
  }
  return n;
}

/** The largest neuron index accepted: above any layer's width (AlexNet's widest has 4,096 units). */
export const MAX_NEURON_INDEX = 65_535;

/** Parses a neuron index (`:neuron`, `?from=`, `?to=`, `--neuron`): a whole number from 0 to MAX_NEURON_INDEX. */
export function parseNeuronIndex(value: string | undefined, name: string): number {
  if (value === undefined) {
    throw new TransferscopeError('INVALID_ARGUMENT', `Missing ${name}: pass a neuron index, a whole number from 0 to ${MAX_NEURON_INDEX}.`);
  }
  return parseBoundedInteger(value, name, 0, MAX_NEURON_INDEX);
}

/** Parses a TCP port (`--port`): 0 to 65535, where 0 lets the system pick a free one. */
export function parsePort(value: string): number {
  return parseBoundedInteger(value, '--port', 0, 65_535);
}

/** Validates `:phase` and `:epoch` path parameters (they enter the program here). */
export function parseEpochParams(phase: string, epoch: string): { phase: Phase; epoch: number } {
  return { phase: parsePhase(phase), epoch: parseBoundedInteger(epoch, 'epoch', 1, MAX_EPOCH) };
}

/** Throws INVALID_ARGUMENT unless `phase` is 'source' or 'target'. */
export function parsePhase(phase: string): Phase {
  if (phase !== 'source' && phase !== 'target') {
    throw new TransferscopeError('INVALID_ARGUMENT', `Unknown phase '${clip(phase)}': use 'source' or 'target'.`);
  }
  return phase;
}

/** `PHASE:EPOCH`, as `?reference=` and `analyze --reference` take a checkpoint of the same run. */
export function parseReference(value: string): { phase: Phase; epoch: number } {
  const [phase, epoch, ...rest] = value.split(':');
  if (phase === undefined || epoch === undefined || rest.length > 0) {
    throw new TransferscopeError('INVALID_ARGUMENT', `Invalid reference '${clip(value)}': use PHASE:EPOCH, e.g. source:2.`);
  }
  return parseEpochParams(phase, epoch);
}

/**
 * Echoes at most 40 characters of what was received, control characters as '?', so a hostile value can neither
 * fill a log line or an error body nor break it into several lines.
 */
export function clip(value: string): string {
  // eslint-disable-next-line no-control-regex
  const printable = value.replace(/[\u0000-\u001f\u007f]/g, '?');
  return printable.length > 40 ? `${printable.slice(0, 40)}…` : printable;
}
