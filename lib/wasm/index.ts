// WebAssembly SIMD kernels, compiled from the .wat files beside this one by `npm run build:kernels` into committed
// base64 modules: the t-SNE / neighbour-search / PCA kernels, the linear SVM's row passes and Stieltjes sums.
export { RowKernels, rowKernelsAvailable } from './svm-kernels.ts';
export { layoutRegions, makeSimdKernels, simdAvailable, type SimdKernels } from './simd-kernels.ts';
export { stieltjesKernel, type StieltjesSum } from './stieltjes-kernels.ts';
