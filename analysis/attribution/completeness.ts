// The completeness check of Layer Conductance on a graph: the conductances of a cut (a layer, or a set of layers,
// that every input-to-output path crosses exactly once; see `partitionsEveryPath`) sum to F(x) - F(x').
import type * as tfl from '@tensorflow/tfjs-layers';
import { TransferscopeError } from '../../core/errors.ts';
import type { ConductanceResult, LayerConductance } from './layer-conductance.ts';
import { cutLayers, inputShape } from './layer-graph.ts';
import { forwardLogits } from './path-chunks.ts';

/** Per instance, the conductances of `layers` summed over every neuron and position (float64). Empty input: empty. */
export function conductanceTotals(result: ConductanceResult, layers: readonly string[]): Float64Array {
  const totals = new Float64Array(result.count);
  for (const name of layers) {
    const layer = result.layers.find((l) => l.layer === name);
    if (!layer) {
      throw new TransferscopeError(
        'INVALID_ARGUMENT',
        `conductanceTotals: layer '${name}' was not attributed (got ${result.layers.map((l) => l.layer).join(', ')}).`,
      );
    }
    for (let i = 0; i < result.count; i++) {
      for (let n = 0; n < layer.neurons; n++) {
        totals[i]! += layer.summed[i * layer.neurons + n]!;
      }
    }
  }
  return totals;
}

/**
 * Per instance, |total of `layers` - (F(x) - F(x'))| / |F(x) - F(x')|: near 0 (about 1/m for piecewise-linear
 * networks whose units switch along the path, m the steps) when `layers` form a cut, meaningless otherwise.
 * An instance whose logit does not change (F(x) = F(x')) gets the absolute gap instead.
 */
export function completenessGaps(result: ConductanceResult, layers: readonly string[]): Float64Array {
  const totals = conductanceTotals(result, layers);
  return totals.map((total, i) => {
    const difference = result.logitAtInput[i]! - result.logitAtBaseline[i]!;
    return difference === 0 ? Math.abs(total) : Math.abs(total - difference) / Math.abs(difference);
  });
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
  const integrated = await integratedLogits(model, images, result.targets, alphas, options.baseline);
  const checked = checkedLayers(model, result.layers);
  return Float64Array.from({ length: result.count }, (_, i) => completenessResidual(result, checked, i, integrated[i]!, options.relativeTo));
}

/** Per instance, F(a_m x) - F(a_0 x) of its target logit: two forward passes per instance. */
export async function integratedLogits(
  model: tfl.LayersModel,
  images: Float32Array,
  targets: Int32Array,
  alphas: Float64Array,
  baseline?: Float32Array,
): Promise<Float64Array> {
  const shape = inputShape(model);
  const pixels = shape.reduce((a, b) => a * b, 1);
  const from = baseline ?? new Float32Array(pixels);
  const atAlpha = (a: number) => images.map((v, p) => from[p % pixels]! + a * (v - from[p % pixels]!));
  const first = await forwardLogits(model, atAlpha(alphas[0]!), shape, 128);
  const last = await forwardLogits(model, atAlpha(alphas.at(-1)!), shape, 128);
  const classes = first.length / Math.max(targets.length, 1);
  return Float64Array.from(targets, (target, i) => last[i * classes + target]! - first[i * classes + target]!);
}

/**
 * The layers whose sums a residual judges: only a cut's conductances sum to the logit change (inside a residual block
 * the shortcut carries the rest); with none among them nothing can vouch for a sum (the residual is Infinity).
 */
export function checkedLayers(model: tfl.LayersModel, layers: LayerConductance[]): LayerConductance[] {
  const cuts = new Set(
    cutLayers(
      model,
      layers.map((layer) => layer.layer),
    ),
  );
  return layers.filter((layer) => cuts.has(layer.layer));
}

/** Instance i's residual as `completenessResiduals` defines it, over `checked` (layers of `result`) and its integrated logit change. */
export function completenessResidual(
  result: Pick<ConductanceResult, 'logitAtInput' | 'logitAtBaseline'>,
  checked: LayerConductance[],
  i: number,
  integrated: number,
  relativeTo: 'logit' | 'attribution' = 'logit',
): number {
  const whole = Math.abs(result.logitAtInput[i]! - result.logitAtBaseline[i]!);
  let worst = checked.length === 0 ? Infinity : 0;
  for (const layer of checked) {
    let sum = 0;
    let mass = 0;
    for (let n = 0; n < layer.neurons; n++) {
      sum += layer.summed[i * layer.neurons + n]!;
      mass += Math.abs(layer.summed[i * layer.neurons + n]!);
    }
    const scale = relativeTo === 'attribution' ? Math.max(whole, mass) : whole;
    worst = Math.max(worst, Math.abs(sum - integrated) / scale);
  }
  return worst;
}
