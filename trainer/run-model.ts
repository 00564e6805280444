// The network a run trains, from its config: a built-in one (AlexNet, ResNet-20, MobileNet-32) or the `pretrained`
// file's own network ('imported'), and the square input size its images are loaded at.
import type * as tfl from '@tensorflow/tfjs-layers';
import { TransferscopeError } from '../core/errors.ts';
import type { TrainConfig } from './config.ts';
import { buildAlexNet, INPUT_SIZE } from './alexnet.ts';
import { buildResNet20, RESNET_20_INPUT_SIZE } from './models/resnet-20.ts';
import { buildMobileNet32, MOBILENET_32_INPUT_SIZE } from './models/mobilenet-32.ts';
import { importLayersModel } from './layers-model-import.ts';
import { readModelJson } from './model-files.ts';

/**
 * A fresh model of the config's network with `classCount` logits, seeded by `config.seed`. For 'imported' the file is
 * read again: its weights, and a classifier replaced (freshly initialised) when the class count differs.
 */
export async function buildRunModel(config: Pick<TrainConfig, 'model' | 'seed' | 'pretrained'>, classCount: number): Promise<tfl.LayersModel> {
  const { model, seed } = config;
  switch (model) {
    case 'alexnet-32':
    case 'alexnet-227':
      return buildAlexNet({ variant: model, classCount, seed });
    case 'resnet-20':
      return buildResNet20({ classCount, seed });
    case 'mobilenet-32':
      return buildMobileNet32({ classCount, seed });
    case 'imported':
      return (await importLayersModel(config.pretrained!.path, { classCount, seed })).model;
  }
}

/** The first layer's declared batch input shape in a Layers topology (tfjs and Keras 2 `batch_input_shape`, Keras 3 `batch_shape`). */
function declaredInputShape(topology: unknown): unknown {
  const root = topology as { model_config?: unknown; config?: unknown };
  const model = (root.model_config ?? root) as { config?: { layers?: unknown[] } | unknown[] };
  const layers = Array.isArray(model.config) ? model.config : (model.config?.layers ?? []);
  for (const layer of layers) {
    const config = (layer as { config?: Record<string, unknown> }).config ?? {};
    const shape = config.batch_input_shape ?? config.batch_shape;
    if (shape !== undefined) {
      return shape;
    }
  }
  return undefined;
}

/** The side of the square RGB images the config's network takes; an imported network's is read from its model.json. */
export function modelInputSize(config: Pick<TrainConfig, 'model' | 'pretrained'>): number {
  switch (config.model) {
    case 'alexnet-32':
    case 'alexnet-227':
      return INPUT_SIZE[config.model];
    case 'resnet-20':
      return RESNET_20_INPUT_SIZE;
    case 'mobilenet-32':
      return MOBILENET_32_INPUT_SIZE;
    case 'imported': {
      const path = config.pretrained!.path;
      const shape = declaredInputShape(readModelJson(path).modelTopology);
      const [, height, width, channels] = Array.isArray(shape) ? (shape as unknown[]) : [];
      if (typeof height !== 'number' || height !== width || channels !== 3 || height < 8 || height > 1024) {
        throw new TransferscopeError(
          'INVALID_CONFIG',
          `Pretrained model '${path}' takes inputs of shape ${JSON.stringify(shape ?? 'unknown')}; transferscope feeds square RGB images, so convert a model with an input of [null, S, S, 3] (8 <= S <= 1024).`,
        );
      }
      return height;
    }
  }
}
