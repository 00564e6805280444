// Runs already-registered wasm kernels on raw TensorInfos from inside another kernel, so composite
// kernels neither record on the gradient tape nor create engine tensors, and free what they made.
import { getKernel, type KernelConfig, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export interface WasmKernelRunner {
  /** Runs `kernelName`'s wasm kernel; its output is freed by `disposeIntermediates` unless kept. */
  run(kernelName: string, inputs: Record<string, TensorInfo>, attrs?: NamedAttrMap): TensorInfo;
  /** Runs a specific kernel config (e.g. an original we replaced), set up for this backend first. */
  runConfig(config: KernelConfig, inputs: Record<string, TensorInfo>, attrs?: NamedAttrMap): TensorInfo;
  /** Tracks a tensor made directly on the backend so `disposeIntermediates` frees it too. */
  adopt(info: TensorInfo): TensorInfo;
  /** Frees every output made through this runner except `keep`. */
  disposeIntermediates(keep: TensorInfo): void;
}

/**
 * The kernel registered as `kernelName` for the wasm backend, or undefined if none is. tfjs types `getKernel`
 * as always returning a config, but it returns undefined for a kernel that is not registered.
 */
export function registeredWasmKernel(kernelName: string): KernelConfig | undefined {
  return getKernel(kernelName, 'wasm');
}

// A kernel's setupFunc runs only when its backend initialises; a config we unregistered before that
// (or re-registered under our own name) never got it, so run it once per backend ourselves.
const setUpConfigs = new WeakMap<BackendWasm, Set<KernelConfig>>();

/** Runs `config.setupFunc` for `backend` unless it already ran through this module. */
export function ensureKernelSetUp(config: KernelConfig, backend: BackendWasm): void {
  let done = setUpConfigs.get(backend);
  if (done === undefined) {
    done = new Set();
    setUpConfigs.set(backend, done);
  }
  if (!done.has(config)) {
    config.setupFunc?.(backend);
    done.add(config);
  }
}

/** Makes a runner bound to one wasm backend instance. */
export function makeWasmKernelRunner(backend: BackendWasm): WasmKernelRunner {
  const made: TensorInfo[] = [];
  const runConfig = (config: KernelConfig, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo => {
    ensureKernelSetUp(config, backend);
    const out = config.kernelFunc({ inputs, attrs, backend });
    if (Array.isArray(out)) {
      throw new Error(`Kernel ${config.kernelName} returned ${out.length} outputs; the runner expects one.`);
    }
    made.push(out);
    return out;
  };
  return {
    run(kernelName, inputs, attrs) {
      const config = registeredWasmKernel(kernelName);
      if (config === undefined) {
        throw new Error(`No wasm kernel named ${kernelName} is registered. Import '@tensorflow/tfjs-backend-wasm' before training.`);
      }
      return runConfig(config, inputs, attrs);
    },
    runConfig,
    adopt(info) {
      made.push(info);
      return info;
    },
    disposeIntermediates(keep) {
      for (const info of made) {
        // Reshape shares its input's dataId and bumps the refCount, so each output is released once.
        if (info !== keep) {
          backend.disposeData(info.dataId);
        }
      }
      made.length = 0;
    },
  };
}
