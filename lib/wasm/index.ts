// WebAssembly SIMD kernels, compiled from the .wat files beside this one by `npm run build:kernels` into committed
// base64 modules: the t-SNE / neighbour-search / PCA kernels and the linear SVM's row passes.
export { RowKernels, rowKernelsAvailable } from './svm-kernels.ts';
export { layoutRegions, makeSimdKernels, simdAvailable, type SimdKernels } from './simd-kernels.ts';
