// A DVI visualisation model in and out of the analyses table's JSON. Its Float32 weights go as base64 of their
// bytes: exact (a decimal round trip through JSON would need 9 digits a value) and a third of the size of
// decimal text; the table stores one JSON document per analysis, so a separate binary column would mean a schema
// change for one kind.
import type { StoredDenseLayer, StoredVisualisationModel } from '../../core/projection-protocol.ts';
import type { DenseWeights, VisualisationModel } from '../../lib/dvi/index.ts';

/** Base64 of the bytes of `values` (little-endian, as every platform Node runs on). */
export function float32ToBase64(values: Float32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

/** The Float32Array whose bytes `text` holds; throws when their count is not a multiple of 4. */
export function base64ToFloat32(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.byteLength % 4 !== 0) {
    throw new RangeError(
      `base64ToFloat32: got ${bytes.byteLength} bytes, not whole Float32 values. The stored projection is damaged; delete it and analyse again.`,
    );
  }
  // Copied so the array is aligned and owns its memory (Buffer.from may share a pool at any offset).
  const copy = new Uint8Array(bytes);
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

const storeLayer = (layer: DenseWeights): StoredDenseLayer => ({
  inputs: layer.inputs,
  outputs: layer.outputs,
  kernel: float32ToBase64(layer.kernel),
  bias: float32ToBase64(layer.bias),
});

const readLayer = (layer: StoredDenseLayer): DenseWeights => ({
  inputs: layer.inputs,
  outputs: layer.outputs,
  kernel: base64ToFloat32(layer.kernel),
  bias: base64ToFloat32(layer.bias),
});

export function storeVisualisationModel(model: VisualisationModel): StoredVisualisationModel {
  return {
    dimensions: model.dimensions,
    hidden: [...model.hidden],
    center: float32ToBase64(model.center),
    scale: model.scale,
    encoder: model.encoder.map(storeLayer),
    decoder: model.decoder.map(storeLayer),
  };
}

export function readVisualisationModel(stored: StoredVisualisationModel): VisualisationModel {
  return {
    dimensions: stored.dimensions,
    hidden: [...stored.hidden],
    center: base64ToFloat32(stored.center),
    scale: stored.scale,
    encoder: stored.encoder.map(readLayer),
    decoder: stored.decoder.map(readLayer),
  };
}
