// Reads and writes TensorFlow.js Layers models as files (model.json + weight shards), the format
// `tensorflowjs_converter` produces. Without tfjs-node there is no file:// handler, so these are ours.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { TransferscopeError } from '../core/errors.ts';

/** The parsed `model.json` at `path`; throws one line when it cannot be read or is not a Layers model. */
export function readModelJson(modelJson: string): tf.io.ModelJSON {
  const path = resolve(modelJson);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    // A JSON error's message quotes the file's text, which may not be text at all: only say which fault it is.
    const fault = err instanceof SyntaxError ? 'it is not valid JSON' : 'it cannot be read';
    throw new TransferscopeError(
      'DATASET_NOT_FOUND',
      `Cannot read the pretrained model '${path}': ${fault}. Point 'pretrained.path' at a TensorFlow.js Layers model.json.`,
    );
  }
  if (typeof json !== 'object' || json === null || !('modelTopology' in json)) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `'${path}' has no modelTopology; it is not a TensorFlow.js Layers model.json (graph models cannot be fine-tuned).`,
    );
  }
  return json as tf.io.ModelJSON;
}

/** An IOHandler that loads `modelJson` and the shard files its weights manifest names (relative to it). */
export function modelFilesHandler(modelJson: string): tf.io.IOHandler {
  const path = resolve(modelJson);
  return {
    async load() {
      const json = readModelJson(path);
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const shards = manifest
          .flatMap((group) => group.paths)
          .map((shard) => {
            const file = join(dirname(path), shard);
            try {
              const bytes = readFileSync(file);
              return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
            } catch {
              throw new TransferscopeError(
                'DATASET_NOT_FOUND',
                `The weight shard '${file}' named by '${path}' is missing; copy every file tensorflowjs_converter wrote next to model.json.`,
              );
            }
          });
        return [specs, tf.io.concatenateArrayBuffers(shards)];
      });
    },
  };
}

/** A SaveHandler writing `folder/model.json` and one `folder/weights.bin` shard (for tests and exports). */
export function modelFilesSaver(folder: string): tf.io.IOHandler {
  return tf.io.withSaveHandler(async (artifacts) => {
    mkdirSync(folder, { recursive: true });
    const data = artifacts.weightData;
    const bytes = data === undefined ? new ArrayBuffer(0) : Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
    writeFileSync(join(folder, 'weights.bin'), new Uint8Array(bytes));
    const json = {
      modelTopology: artifacts.modelTopology,
      format: 'layers-model',
      generatedBy: 'transferscope',
      convertedBy: null,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
    };
    writeFileSync(join(folder, 'model.json'), JSON.stringify(json));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bytes.byteLength } };
  });
}
