// Identity for the wasm backend that aliases its input instead of copying it. The engine clones
// every tensor it saves for backprop through Identity; the cpu backend aliases there, the wasm
// one copied (9-12 ms per scaled-AlexNet step, mostly conv1's [64,32,32,32] activations).
import { Identity, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

interface IdentityArgs {
  inputs: { x?: TensorInfo };
  backend: BackendWasm;
}

/**
 * Returns x's data under a second reference, as the backend's own Reshape does. Safe because no
 * wasm kernel writes into an existing tensor's memory; the data is freed with its last reference.
 */
function identityAlias(args: IdentityArgs): TensorInfo {
  const { inputs, backend } = args;
  const { x } = inputs;
  if (x === undefined) {
    throw new Error('Identity on wasm needs input x.');
  }
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityAliasConfig: KernelConfig = {
  kernelName: Identity,
  backendName: 'wasm',
  kernelFunc: identityAlias as unknown as KernelFunc,
};
