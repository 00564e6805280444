// The optimiser step of one phase with the fine-tuning settings applied: frozen leading layers get no
// gradient at all, and each distinct learning rate gets its own Adam over its layers' variables.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { TransferscopeError } from '../core/errors.ts';
import type { OptimizerState } from '../store/schema/recovery-tables.ts';
import { layerLearningRate, type PhaseConfig } from './config-phase.ts';
import { monitoredLayerGroups } from './layer-groups.ts';
import { monitoredLayersOf } from './model-description.ts';

export interface PhaseOptimizer {
  /** One step on a batch (x: NHWC images, y: one-hot labels); resolves with the batch's mean loss. */
  step(x: tf.Tensor4D, y: tf.Tensor2D): Promise<number>;
  /** Learning rate per trained layer and the frozen ones, for logs and tests. */
  readonly plan: { frozen: string[]; rates: Record<string, number> };
  /** Every group's Adam state (step count, first and second moments), copied out of the backend. */
  readState(): Promise<OptimizerState>;
  /** Puts back a state `readState` returned for the same model and settings; before the first step only. */
  restoreState(state: OptimizerState): Promise<void>;
  dispose(): void;
}

type LayerCall = tfl.layers.Layer['call'];

/**
 * Runs a frozen batch norm in inference mode: it normalises with its moving statistics and leaves them as they are, as
 * Keras does for a non-trainable BatchNormalization (tfjs-layers' reads `training` only, not `trainable`). Returns
 * what undoes it.
 */
function inferenceModeAlways(layer: tfl.layers.Layer): () => void {
  const own = Object.hasOwn(layer, 'call') ? layer.call : undefined;
  const call: LayerCall = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => call(inputs, { ...kwargs, training: false });
  return () => {
    if (own) {
      layer.call = own;
    } else {
      delete (layer as Partial<tfl.layers.Layer>).call;
    }
  };
}

/**
 * Builds the step for `model` under `phase` (learningRate, learningRates, freezeLayers) over its `monitored` layers
 * (default: every convolution and dense layer), each with the layers it owns (`monitoredLayerGroups`). Gradients are
 * taken only for the trained groups' variables, so frozen layers' weights stay bit-identical; their batch norms run
 * in inference mode, so their moving statistics do too.
 */
export function makePhaseOptimizer(model: tfl.LayersModel, phase: PhaseConfig, monitored: readonly string[] = monitoredLayersOf(model)): PhaseOptimizer {
  const groups = new Map<number, tf.Variable[]>();
  const plan: PhaseOptimizer['plan'] = { frozen: [], rates: {} };
  const unfreeze: (() => void)[] = [];
  monitoredLayerGroups(model, monitored).forEach((group, i) => {
    if (i < phase.freezeLayers) {
      plan.frozen.push(group.layer);
      unfreeze.push(...group.members.filter((l) => l.getClassName() === 'BatchNormalization').map(inferenceModeAlways));
      return;
    }
    const rate = layerLearningRate(phase, group.layer, group.kind);
    plan.rates[group.layer] = rate;
    const variables = group.members.flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
    groups.set(rate, [...(groups.get(rate) ?? []), ...variables]);
  });
  const optimizers = [...groups].map(([rate, variables]) => ({ optimizer: tf.train.adam(rate), variables }));
  const all = optimizers.flatMap((o) => o.variables);
  return {
    plan,
    async step(x, y) {
      const { value, grads } = tf.variableGrads(() => {
        const logits = model.apply(x, { training: true }) as tf.Tensor2D;
        return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
      }, all);
      for (const { optimizer, variables } of optimizers) {
        optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: grads[v.name]! })));
      }
      tf.dispose(grads);
      const loss = (await value.data())[0]!;
      value.dispose();
      return loss;
    },
    async readState() {
      const state: OptimizerState = [];
      for (const { optimizer } of optimizers) {
        // [iterations, every variable's first moment, then every second moment]; the moments are live variables.
        const [iterations, ...moments] = await optimizer.getWeights();
        const count = (await iterations!.tensor.data())[0]!;
        iterations!.tensor.dispose();
        state.push({
          iterations: count,
          moments: await Promise.all(moments.map(async (m) => ({ shape: m.tensor.shape.slice(), values: Float32Array.from(await m.tensor.data()) }))),
        });
      }
      return state;
    },
    async restoreState(state) {
      const mismatch = (what: string) =>
        new TransferscopeError(
          'INVALID_CONFIG',
          `The optimiser state stored with this checkpoint does not fit the model (${what}); the run's stored config or checkpoint was changed.`,
        );
      if (state.length !== optimizers.length) {
        throw mismatch(`${state.length} learning-rate groups stored, ${optimizers.length} configured`);
      }
      for (const [g, { optimizer, variables }] of optimizers.entries()) {
        const { iterations, moments } = state[g]!;
        if (moments.length !== 2 * variables.length) {
          throw mismatch(`group ${g}: ${moments.length} moments stored for ${variables.length} variables`);
        }
        const named = moments.map((m, slot) => {
          const variable = variables[slot % variables.length]!;
          if (m.shape.join('x') !== variable.shape.join('x')) {
            throw mismatch(`${variable.name}: shape ${m.shape.join('x')} stored, ${variable.shape.join('x')} in the model`);
          }
          // Adam matches moments to variables by position, so the names are only labels.
          return { name: `${variable.name}/${slot < variables.length ? 'm' : 'v'}`, tensor: tf.tensor(m.values, m.shape) };
        });
        const count = tf.scalar(iterations, 'int32');
        await optimizer.setWeights([{ name: 'iter', tensor: count }, ...named]);
        // setWeights made its own variables of these tensors.
        tf.dispose([count, ...named.map((n) => n.tensor)]);
      }
    },
    dispose() {
      unfreeze.forEach((undo) => undo());
      for (const { optimizer } of optimizers) {
        optimizer.dispose();
      }
    },
  };
}
