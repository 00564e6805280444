// A pretrained source model: any supported Layers model fine-tuned as it is ("model": "imported"), or one laid out
// like AlexNet (e.g. a Keras AlexNet through tensorflowjs_converter) whose Conv2D and Dense layers, in order, become
// conv1..conv5 and fc6..fc8 of our AlexNet ("model": "alexnet-32" or "alexnet-227").
import * as tfl from '@tensorflow/tfjs-layers';
import { TransferscopeError } from '../core/errors.ts';
import type { LayerName, PretrainedSource } from '../core/protocol.ts';
import { isAlexNetVariant, type ModelVariant, type TrainConfig } from './config.ts';
import { ALEXNET_LAYERS, buildAlexNet, INPUT_SIZE } from './alexnet.ts';
import { modelFilesHandler } from './model-files.ts';
import { assertSupportedLayers, importLayersModel } from './layers-model-import.ts';
import { monitoredLayersOf } from './model-description.ts';

const OWN_NETWORK = 'To fine-tune the file\'s own network instead, leave \'model\' out of the config (or write "model": "imported").';

/**
 * The config's `pretrained` model as the run's source model with `classCount` logits: the file's own network for
 * 'imported' (classifier replaced when its width differs), else copied into AlexNet (`loadPretrainedSource`).
 */
export async function loadPretrainedModel(
  config: Pick<TrainConfig, 'model' | 'seed' | 'monitor'> & { pretrained: { path: string } },
  classCount: number,
): Promise<{ model: tfl.LayersModel; info: PretrainedSource }> {
  const { path } = config.pretrained;
  if (isAlexNetVariant(config.model)) {
    return loadPretrainedSource(path, config.model, classCount, config.seed);
  }
  const imported = await importLayersModel(path, { classCount, seed: config.seed });
  try {
    // The layers keep their own names: the map says so, one entry per monitored layer.
    const layerMap = monitoredLayersOf(imported.model, config.monitor).map((name) => ({ layer: name as LayerName, from: name }));
    return { model: imported.model, info: { path, pretrainedClasses: imported.pretrainedClasses, headReplaced: imported.headReplaced, layerMap } };
  } catch (err) {
    imported.model.dispose();
    throw err;
  }
}

function refuse(path: string, message: string): never {
  throw new TransferscopeError('INVALID_CONFIG', `Pretrained model '${path}' does not fit ${message}`);
}

/**
 * Loads `path` and copies its weights into a fresh AlexNet of `variant` with `classCount` outputs.
 * Only weights are taken (activations are ours: ReLU, logits out of fc8, so a softmax on its last
 * layer changes nothing). When its classifier has another width, fc8 keeps its fresh initialisation
 * and `headReplaced` is set; the run's class i is taken to be its output i otherwise. Throws
 * `INVALID_CONFIG` naming the first layer that does not fit.
 */
export async function loadPretrainedSource(
  path: string,
  variant: ModelVariant,
  classCount: number,
  seed: number,
): Promise<{ model: tfl.Sequential; info: PretrainedSource }> {
  const loaded = await tfl.loadLayersModel(modelFilesHandler(path));
  const model = buildAlexNet({ variant, classCount, seed });
  try {
    assertSupportedLayers(loaded, path);
    const size = INPUT_SIZE[variant];
    const input = loaded.inputs[0]?.shape.slice(1) ?? [];
    if (input.join('x') !== `${size}x${size}x3`) {
      refuse(
        path,
        `'${variant}': its input is ${input.join('x')}, the model's is ${size}x${size}x3. Convert a model with that input size, or pick the matching "model".`,
      );
    }
    const layers = loaded.layers.filter((l) => l.getClassName() === 'Conv2D' || l.getClassName() === 'Dense');
    const stray = loaded.layers.find((l) => l.weights.length > 0 && !layers.includes(l));
    if (stray) {
      refuse(path, `AlexNet: its layer '${stray.name}' (${stray.getClassName()}) has weights; only Conv2D and Dense layers can be taken over. ${OWN_NETWORK}`);
    }
    const convs = layers.filter((l) => l.getClassName() === 'Conv2D').length;
    if (convs !== 5 || layers.length !== 8 || layers.slice(0, 5).some((l) => l.getClassName() !== 'Conv2D')) {
      refuse(
        path,
        `AlexNet: it has ${convs} Conv2D and ${layers.length - convs} Dense layers (${layers.map((l) => l.name).join(', ')}); AlexNet needs 5 Conv2D followed by 3 Dense. ${OWN_NETWORK}`,
      );
    }
    const pretrainedClasses = layers[7]!.getWeights()[0]?.shape[1] ?? 0;
    const headReplaced = pretrainedClasses !== classCount;
    ALEXNET_LAYERS.forEach((name, i) => {
      const from = layers[i]!;
      const ours = model.getLayer(name);
      const theirs = from.getWeights();
      const mine = ours.getWeights();
      if (theirs.length !== 2) {
        refuse(path, `${name}: its layer '${from.name}' has ${theirs.length} weight tensors; a kernel and a bias are needed.`);
      }
      if (name === 'fc8' && headReplaced) {
        return;
      }
      const cfg = from.getConfig();
      const oursCfg = ours.getConfig();
      if (from.getClassName() === 'Conv2D' && (JSON.stringify(cfg.strides) !== JSON.stringify(oursCfg.strides) || cfg.padding !== oursCfg.padding)) {
        refuse(
          path,
          `${name}: its layer '${from.name}' has strides ${JSON.stringify(cfg.strides)} and padding '${String(cfg.padding)}', ${name} has ${JSON.stringify(oursCfg.strides)} and '${String(oursCfg.padding)}'.`,
        );
      }
      theirs.forEach((w, k) => {
        if (w.shape.join('x') !== mine[k]!.shape.join('x')) {
          refuse(
            path,
            `${name}: its layer '${from.name}' has a ${k === 0 ? 'kernel' : 'bias'} of ${w.shape.join('x')}, ${variant}'s ${name} needs ${mine[k]!.shape.join('x')}.`,
          );
        }
      });
      ours.setWeights(theirs);
    });
    return { model, info: { path, pretrainedClasses, headReplaced, layerMap: ALEXNET_LAYERS.map((layer, i) => ({ layer, from: layers[i]!.name })) } };
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    loaded.dispose();
  }
}
