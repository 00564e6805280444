// Layer Conductance at a fine step count (the paper's 50) for the price of a coarse one where the coarse sum is
// already as good: every instance is attributed at `checkSteps`, and only those whose sums miss completeness by
// more than `tolerance` are attributed again at `steps` (issue 16, item 2).
import type * as tfl from '@tensorflow/tfjs-layers';
import { TransferscopeError } from '../../core/errors.ts';
import type { StepSchedule } from '../../core/network-protocol.ts';
import { layerConductance, type ConductanceResult, type LayerConductanceOptions } from './layer-conductance.ts';
import { completenessResiduals } from './completeness.ts';
import { pathAlphas } from './integration-path.ts';
import { midpointCheckedConductance } from './midpoint-refinement.ts';

export interface CheckedConductanceOptions extends Omit<LayerConductanceOptions, 'steps' | 'method'> {
  /** Steps every instance is attributed at first. */
  checkSteps: number;
  /** Steps an instance is attributed at when its check fails (the paper's 50). */
  steps: number;
  /** Largest completeness residual kept, as a fraction of the larger of |F(x) - F(x')| and the layer's attribution mass (0.01: 1%). */
  tolerance: number;
  /**
   * What a failing instance gets: attributed again at `steps` ('redo', the default), or its coarse path refined in
   * place at the midpoint of every step and extended to the `steps` rule's ends (`midpointCheckedConductance`), and
   * attributed again at `steps` only if still incomplete ('refine').
   */
  rule?: 'redo' | 'refine';
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
  const { checkSteps: _check, tolerance: _tolerance, rule: _rule, ...plain } = options;
  if (checkSteps === steps) {
    const full = await layerConductance(model, images, { ...plain, steps });
    const { alphas, ...result } = full;
    const residuals = await completenessResiduals(model, images, full, alphas, { baseline: options.baseline, relativeTo: 'attribution' });
    return { ...result, residuals, schedule: { steps, checkSteps, tolerance, instances: full.count, refined: full.count } };
  }
  const fineAlphas = pathAlphas('gausslegendre', steps + 1);
  const refinement = options.rule === 'refine' ? await midpointCheckedConductance(model, images, { ...plain, steps: checkSteps }, fineAlphas, tolerance) : null;
  if (refinement) {
    const { residuals, refined, ...result } = refinement;
    const redone = await redo(model, images, result, residuals, fineAlphas, tolerance, { ...plain, steps });
    return { ...result, residuals, schedule: { steps, checkSteps, tolerance, instances: result.count, refined: refined.length, rule: 'refine', redone } };
  }
  const { alphas: coarseAlphas, ...coarse } = await layerConductance(model, images, { ...plain, steps: checkSteps });
  const stretch = (fineAlphas.at(-1)! - fineAlphas[0]!) / (coarseAlphas.at(-1)! - coarseAlphas[0]!);
  for (const layer of coarse.layers) {
    layer.values.forEach((v, j) => (layer.values[j] = v * stretch));
    layer.summed.forEach((v, j) => (layer.summed[j] = v * stretch));
  }
  const residuals = await completenessResiduals(model, images, coarse, fineAlphas, { baseline: options.baseline, relativeTo: 'attribution' });
  const refined = await redo(model, images, coarse, residuals, fineAlphas, tolerance, { ...plain, steps });
  return { ...coarse, residuals, schedule: { steps, checkSteps, tolerance, instances: coarse.count, refined } };
}

/**
 * Attributes every instance whose residual exceeds `tolerance` again at plain `options.steps`, in place in `result`
 * and `residuals`; returns how many.
 */
async function redo(
  model: tfl.LayersModel,
  images: Float32Array,
  result: Omit<ConductanceResult, 'alphas'>,
  residuals: Float64Array,
  fineAlphas: Float64Array,
  tolerance: number,
  options: LayerConductanceOptions,
): Promise<number> {
  // A residual that is not finite (nothing to scale it by) fails the check too.
  const failed = [...residuals.keys()].filter((i) => !(residuals[i]! <= tolerance));
  if (failed.length > 0) {
    const pixels = images.length / result.count;
    const subset = new Float32Array(failed.length * pixels);
    failed.forEach((i, j) => subset.set(images.subarray(i * pixels, (i + 1) * pixels), j * pixels));
    const fine = await layerConductance(model, subset, { ...options, targets: Int32Array.from(failed, (i) => result.targets[i]!) });
    const fineResiduals = await completenessResiduals(model, subset, fine, fineAlphas, { baseline: options.baseline, relativeTo: 'attribution' });
    failed.forEach((i, j) => {
      residuals[i] = fineResiduals[j]!;
      result.layers.forEach((layer, l) => {
        const from = fine.layers[l]!;
        layer.values.set(from.values.subarray(j * layer.neurons, (j + 1) * layer.neurons), i * layer.neurons);
        layer.summed.set(from.summed.subarray(j * layer.neurons, (j + 1) * layer.neurons), i * layer.neurons);
      });
    });
  }
  return failed.length;
}
