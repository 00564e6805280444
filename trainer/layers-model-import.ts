// Any TensorFlow.js Layers model on disk (Sequential or functional, e.g. a Keras ResNet through tensorflowjs_converter)
// as a source model: its layers are checked against what the analyses understand, and its classifier ends in logits.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { TransferscopeError } from '../core/errors.ts';
import { modelFilesHandler } from './model-files.ts';

/** Layer classes an imported model may hold (issue 13): convolutions, dense, batch norm, pooling, merges, shape-only layers. */
export const SUPPORTED_LAYER_CLASSES: ReadonlySet<string> = new Set([
  'InputLayer',
  'Conv2D',
  'DepthwiseConv2D',
  'SeparableConv2D',
  'Dense',
  'BatchNormalization',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'ZeroPadding2D',
  'Add',
  'Concatenate',
  'Activation',
  'ReLU',
  'Dropout',
  'Flatten',
]);

export interface ImportedModel {
  /** Outputs logits: a softmax on the classifier is dropped, since losses and attributions take logits. */
  model: tfl.LayersModel;
  /** The classifier's output count in the file. */
  pretrainedClasses: number;
  /** True when the classifier was replaced by a fresh one of `classCount` outputs. */
  headReplaced: boolean;
}

/** Throws INVALID_CONFIG naming the first layer of `model` whose class is not supported. */
export function assertSupportedLayers(model: tfl.LayersModel, path: string): void {
  const layer = model.layers.find((l) => !SUPPORTED_LAYER_CLASSES.has(l.getClassName()));
  if (layer) {
    throw new TransferscopeError(
      'INVALID_CONFIG',
      `Pretrained model '${path}' has layer '${layer.name}' of class ${layer.getClassName()}, which transferscope cannot analyse; supported: ${[...SUPPORTED_LAYER_CLASSES].filter((c) => c !== 'InputLayer').join(', ')}.`,
    );
  }
}

/**
 * Loads the Layers model at `path` (model.json + weight shards; no tfjs-node needed), refuses unsupported layers in
 * one line, and gives it a logits classifier: the last Dense layer (with any softmax after it) becomes a linear Dense
 * of the same name, with the file's weights when it has `classCount` outputs (or when `classCount` is omitted),
 * else freshly initialised (`headReplaced`).
 */
export async function importLayersModel(path: string, options: { classCount?: number; seed?: number } = {}): Promise<ImportedModel> {
  const loaded = await tfl.loadLayersModel(modelFilesHandler(path));
  try {
    assertSupportedLayers(loaded, path);
    if (loaded.inputs.length !== 1 || loaded.outputs.length !== 1) {
      throw new TransferscopeError(
        'INVALID_CONFIG',
        `Pretrained model '${path}' has ${loaded.inputs.length} inputs and ${loaded.outputs.length} outputs; one image input and one classifier output are needed.`,
      );
    }
    let head = loaded.outputs[0]!.sourceLayer;
    if (head.getClassName() === 'Activation' && head.inboundNodes[0]?.inboundLayers.length === 1) {
      head = head.inboundNodes[0].inboundLayers[0]!;
    }
    if (head.getClassName() !== 'Dense') {
      throw new TransferscopeError(
        'INVALID_CONFIG',
        `Pretrained model '${path}' ends in layer '${head.name}' (${head.getClassName()}); a Dense classifier (optionally followed by a softmax) is needed.`,
      );
    }
    const features = head.inboundNodes[0]!.inputTensors[0]!;
    const [kernel, bias] = head.getWeights();
    const pretrainedClasses = kernel!.shape[1]!;
    const classCount = options.classCount ?? pretrainedClasses;
    const headReplaced = classCount !== pretrainedClasses;
    const classifier = tfl.layers.dense({
      name: head.name,
      units: classCount,
      useBias: true,
      kernelInitializer: tfl.initializers.glorotUniform({ seed: options.seed ?? 0 }),
    });
    const logits = classifier.apply(features) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: loaded.inputs, outputs: logits, name: loaded.name });
    if (!headReplaced) {
      tf.tidy(() => classifier.setWeights(bias ? [kernel!, bias] : [kernel!, tf.zeros([classCount])]));
    }
    // The file's classifier is no longer part of any model: its weights would stay allocated.
    head.dispose();
    return { model, pretrainedClasses, headReplaced };
  } catch (err) {
    loaded.dispose();
    throw err;
  }
}
