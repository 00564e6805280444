// The optimiser step of one phase with the fine-tuning settings applied: frozen leading layers get no
// gradient at all, and each distinct learning rate gets its own Adam over its layers' variables.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { LAYER_NAMES } from '../core/protocol.ts';
import { layerLearningRate, type PhaseConfig } from './config-phase.ts';

export interface PhaseOptimizer {
  /** One step on a batch (x: NHWC images, y: one-hot labels); resolves with the batch's mean loss. */
  step(x: tf.Tensor4D, y: tf.Tensor2D): Promise<number>;
  /** Learning rate per trained layer and the frozen ones, for logs and tests. */
  readonly plan: { frozen: string[]; rates: Record<string, number> };
  dispose(): void;
}

/**
 * Builds the step for `model` under `phase` (learningRate, learningRates, freezeLayers). Gradients
 * are taken only for the trained layers' variables, so frozen layers' weights stay bit-identical and
 * backprop stops at the first trained layer.
 */
export function makePhaseOptimizer(model: tfl.LayersModel, phase: PhaseConfig): PhaseOptimizer {
  const groups = new Map<number, tf.Variable[]>();
  const plan: PhaseOptimizer['plan'] = { frozen: [], rates: {} };
  LAYER_NAMES.forEach((name, i) => {
    if (i < phase.freezeLayers) {
      plan.frozen.push(name);
      return;
    }
    const rate = layerLearningRate(phase, name);
    plan.rates[name] = rate;
    const variables = model.getLayer(name).trainableWeights.map((w) => w.read() as tf.Variable);
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
    dispose() {
      for (const { optimizer } of optimizers) {
        optimizer.dispose();
      }
    },
  };
}
