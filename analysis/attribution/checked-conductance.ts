// Layer Conductance at a fine step count (the paper's 50) for the price of a coarse one where the coarse sum is
// already as good: every instance is attributed at `checkSteps`, and only those whose sums miss completeness by
// more than `tolerance` are attributed again at `steps` (issue 16, item 2).
import type * as tfl from '@tensorflow/tfjs-layers';
import { TransferscopeError } from '../../core/errors.ts';
import type { StepSchedule } from '../../core/network-protocol.ts';
import { layerConductance, type ConductanceResult, type LayerConductanceOptions } from './layer-conductance.ts';
import { cutLayers, inputShape } from './layer-graph.ts';
import { pathAlphas } from './integration-path.ts';
import { forwardLogits } from './path-chunks.ts';

export interface CheckedConductanceOptions extends Omit<LayerConductanceOptions, 'steps' | 'method'> {
  /** Steps every instance is attributed at first. */
  checkSteps: number;
  /** Steps an instance is attributed at when its check fails (the paper's 50). */
  steps: number;
  /** Largest completeness residual kept, as a fraction of the larger of |F(x) - F(x')| and the layer's attribution mass (0.01: 1%). */
  tolerance: number;
}

export interface CheckedConductanceResult extends Omit<ConductanceResult, 'alphas'> {
  /** What was done: the steps, the check and how many instances were attributed again at `steps`. */
  schedule: StepSchedule;
  /** Per instance: the completeness residual of the result kept (`relativeTo: 'attribution'`), worst layer. */
  residuals: Float64Array;
}

/**
 * Conductances of every layer of `options.layers` for each image, as `layerConductance` at `steps` gives them
 * within the check. Gauss-Legendre nodes stop short of 0 and 1 by ~1/points^2, so a coarse rule integrates a
 * shorter path (at 16 steps 0.8% shorter than at 50, at 24 0.3%); a kept instance's values are scaled by the ratio of the
 * two spans, which is exact wherever the layers are linear along the path's ends. An instance is kept when, in
 * every layer, the neurons' scaled conductances add up to F(a_m x) - F(a_0 x) over the `steps` rule's ends within
 * `tolerance` of a scale: the larger of |F(x) - F(x')| and the layer's attribution mass (the sum of its neurons'
 * |summed conductance|), so an instance whose neurons' conductances nearly cancel is judged by the size of what is
 * ranked, not by a small logit change (on digits source instances even 50 steps miss 1% of |F(x) - F(x')| for more
 * than one in ten; docs/decisions.md). Otherwise it is attributed again at `steps`. A Stieltjes sum is off where a
 * ReLU or max-pool switches inside a step, and such a switch breaks completeness, so the check sees the error that
 * more steps would remove. Gauss-Legendre only: the spans are its nodes'. Empty input gives empty arrays.
 */
export async function checkedConductance(model: tfl.LayersModel, images: Float32Array, options: CheckedConductanceOptions): Promise<CheckedConductanceResult> {
  const { checkSteps, steps, tolerance } = options;
  if (!Number.isInteger(checkSteps) || !Number.isInteger(steps) || checkSteps < 1 || checkSteps > steps || !(tolerance >= 0)) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `checkedConductance needs integer checkSteps in [1, steps] and tolerance >= 0 (got checkSteps ${checkSteps}, steps ${steps}, tolerance ${tolerance}).`,
    );
  }
  const { checkSteps: _check, tolerance: _tolerance, ...plain } = options;
  if (checkSteps === steps) {
    const full = await layerConductance(model, images, { ...plain, steps });
    const { alphas, ...result } = full;
    const residuals = await completenessResiduals(model, images, full, alphas, { baseline: options.baseline, relativeTo: 'attribution' });
    return { ...result, residuals, schedule: { steps, checkSteps, tolerance, instances: full.count, refined: full.count } };
  }
  const coarse = await layerConductance(model, images, { ...plain, steps: checkSteps });
  const fineAlphas = pathAlphas('gausslegendre', steps + 1);
  const stretch = (fineAlphas.at(-1)! - fineAlphas[0]!) / (coarse.alphas.at(-1)! - coarse.alphas[0]!);
  for (const layer of coarse.layers) {
    layer.values.forEach((v, j) => (layer.values[j] = v * stretch));
    layer.summed.forEach((v, j) => (layer.summed[j] = v * stretch));
  }
  const residuals = await completenessResiduals(model, images, coarse, fineAlphas, { baseline: options.baseline, relativeTo: 'attribution' });
  // A residual that is not finite (nothing to scale it by) fails the check too.
  const failed = [...residuals.keys()].filter((i) => !(residuals[i]! <= tolerance));
  if (failed.length > 0) {
    const pixels = images.length / coarse.count;
    const subset = new Float32Array(failed.length * pixels);
    failed.forEach((i, j) => subset.set(images.subarray(i * pixels, (i + 1) * pixels), j * pixels));
    const fine = await layerConductance(model, subset, { ...plain, steps, targets: Int32Array.from(failed, (i) => coarse.targets[i]!) });
    const fineResiduals = await completenessResiduals(model, subset, fine, fineAlphas, { baseline: options.baseline, relativeTo: 'attribution' });
    failed.forEach((i, j) => {
      residuals[i] = fineResiduals[j]!;
      coarse.layers.forEach((layer, l) => {
        const from = fine.layers[l]!;
        layer.values.set(from.values.subarray(j * layer.neurons, (j + 1) * layer.neurons), i * layer.neurons);
        layer.summed.set(from.summed.subarray(j * layer.neurons, (j + 1) * layer.neurons), i * layer.neurons);
      });
    });
  }
  const { alphas: _alphas, ...result } = coarse;
  return { ...result, residuals, schedule: { steps, checkSteps, tolerance, instances: coarse.count, refined: failed.length } };
}

/**
 * Per instance, the worst cut layer's |sum of its neurons' summed conductances - (F(a_m x) - F(a_0 x))|, with a_0 and
 * a_m the first and last of `alphas`, relative to |F(x) - F(x')| (`relativeTo: 'logit'`, the default), or to the
 * larger of that and the layer's attribution mass, the sum of |summed conductance| over its neurons ('attribution').
 * Not finite (so never within a tolerance) when the scale is 0.
 */
export async function completenessResiduals(
  model: tfl.LayersModel,
  images: Float32Array,
  result: Omit<ConductanceResult, 'alphas'>,
  alphas: Float64Array,
  options: { baseline?: Float32Array | undefined; relativeTo?: 'logit' | 'attribution' } = {},
): Promise<Float64Array> {
  const shape = inputShape(model);
  const pixels = shape.reduce((a, b) => a * b, 1);
  const from = options.baseline ?? new Float32Array(pixels);
  const atAlpha = (a: number) => images.map((v, p) => from[p % pixels]! + a * (v - from[p % pixels]!));
  const first = await forwardLogits(model, atAlpha(alphas[0]!), shape, 128);
  const last = await forwardLogits(model, atAlpha(alphas.at(-1)!), shape, 128);
  const classes = first.length / Math.max(result.count, 1);
  // Only a cut's conductances sum to the logit change (inside a residual block the shortcut carries the rest), so only
  // cuts are checked; with none among the layers nothing can vouch for the coarse sum (Infinity fails every check).
  const cuts = new Set(
    cutLayers(
      model,
      result.layers.map((layer) => layer.layer),
    ),
  );
  const checked = result.layers.filter((layer) => cuts.has(layer.layer));
  return Float64Array.from({ length: result.count }, (_, i) => {
    const target = result.targets[i]!;
    const integrated = last[i * classes + target]! - first[i * classes + target]!;
    const whole = Math.abs(result.logitAtInput[i]! - result.logitAtBaseline[i]!);
    let worst = checked.length === 0 ? Infinity : 0;
    for (const layer of checked) {
      let sum = 0;
      let mass = 0;
      for (let n = 0; n < layer.neurons; n++) {
        sum += layer.summed[i * layer.neurons + n]!;
        mass += Math.abs(layer.summed[i * layer.neurons + n]!);
      }
      const scale = options.relativeTo === 'attribution' ? Math.max(whole, mass) : whole;
      worst = Math.max(worst, Math.abs(sum - integrated) / scale);
    }
    return worst;
  });
}
