// Installs the training kernels the wasm backend lacks or runs slowly, so `model.fit` works and a
// training step costs a few inference passes instead of ~60 (see CONTEXT.md for the profile).
import '@tensorflow/tfjs-backend-wasm';
import { BatchMatMul, Cast, Mean, Sum, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { makeBatchMatMulConfig } from './batch-mat-mul.ts';
import { makeCastConfig } from './cast-alias.ts';
import { registeredWasmKernel } from './wasm-kernel-runner.ts';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.ts';
import { depthwiseConv2dBackpropFilterConfig, depthwiseConv2dBackpropInputConfig } from './depthwise-conv2d-backprop.ts';
import { identityAliasConfig } from './identity-alias.ts';
import { maxPoolGradConfig } from './max-pool-grad.ts';
import { makeMeanConfig, makeSumConfig } from './reduce-leading-axes.ts';
import { tileBlocksConfig } from './tile-blocks.ts';

/** Replacements that need nothing from the kernel they replace. */
const standaloneConfigs: readonly KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  depthwiseConv2dBackpropFilterConfig,
  depthwiseConv2dBackpropInputConfig,
  maxPoolGradConfig,
  identityAliasConfig,
  tileBlocksConfig,
];

/** Replacements that fall back to the backend's original kernel for the shapes they don't speed up. */
const wrapperFactories: ReadonlyMap<string, (original: KernelConfig) => KernelConfig> = new Map([
  [BatchMatMul, makeBatchMatMulConfig],
  [Sum, makeSumConfig],
  [Mean, makeMeanConfig],
  [Cast, makeCastConfig],
]);

const installed = new Set<KernelConfig>();

function install(config: KernelConfig): void {
  if (registeredWasmKernel(config.kernelName) !== undefined) {
    unregisterKernel(config.kernelName, 'wasm');
  }
  registerKernel(config);
  installed.add(config);
}

/**
 * Registers, for backendName 'wasm': Conv2DBackpropFilter and both depthwise backprop kernels
 * (missing from the backend), Conv2DBackpropInput, MaxPoolGrad and Tile (replacing slow ones), an
 * Identity that aliases instead of copying, BatchMatMul, Sum and Mean wrappers that route
 * transposed / leading-axis cases to fast paths, and a Cast wrapper that aliases same-dtype casts. Idempotent: a second call changes nothing. Works
 * before or after `tf.setBackend('wasm')`; NHWC float32 only, and the conv kernels throw for
 * dilations other than 1.
 */
export function registerWasmTrainingKernels(): void {
  for (const config of standaloneConfigs) {
    if (registeredWasmKernel(config.kernelName) !== config) {
      install(config);
    }
  }
  for (const [kernelName, wrap] of wrapperFactories) {
    const current = registeredWasmKernel(kernelName);
    if (current !== undefined && installed.has(current)) {
      continue;
    }
    if (current === undefined) {
      throw new Error(
        `The wasm backend has no ${kernelName} kernel to wrap. Import '@tensorflow/tfjs-backend-wasm' ` +
          `(version 4.22) before registering the training kernels.`,
      );
    }
    install(wrap(current));
  }
}
