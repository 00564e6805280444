// Cast for the wasm backend that aliases its input when the dtype does not change, as the cpu backend's
// Cast does. tfjs's ReLU gradient is mul(dy, cast(step(x), 'float32')): the stock kernel copied every
// ReLU input's mask once per step, on float32 data that needed no cast. A cast to bool is x != 0 as on cpu:
// the stock kernel copied the numbers into bytes (-2.7 became 254, 0.4 became 0).
import { type DataType, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

interface CastArgs {
  inputs: { x?: TensorInfo };
  attrs: { dtype: DataType };
  backend: BackendWasm;
}

/**
 * Wraps the backend's original Cast: same dtype returns x's data under a second reference (safe because no
 * wasm kernel writes into an existing tensor's memory, as for Identity); to bool, 1 where x != 0 (NaN included, as
 * cpu); any other cast is the original's.
 */
export function makeCastConfig(original: KernelConfig): KernelConfig {
  const cast = (args: CastArgs): TensorInfo => {
    const { inputs, attrs, backend } = args;
    const { x } = inputs;
    if (x !== undefined && x.dtype === attrs.dtype) {
      backend.incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    }
    if (x !== undefined && attrs.dtype === 'bool') {
      const out = backend.makeOutput(x.shape, 'bool');
      // Views after makeOutput, which may grow (and so detach) the heap.
      const source = backend.typedArrayFromHeap(x);
      const target = backend.typedArrayFromHeap(out);
      for (let i = 0; i < source.length; i++) {
        target[i] = source[i] !== 0 ? 1 : 0;
      }
      return out;
    }
    return original.kernelFunc(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
  };
  return { ...original, kernelFunc: cast as unknown as KernelFunc };
}
