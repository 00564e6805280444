// t-SNE (van der Maaten 2008): perplexity-calibrated sparse affinities, then a gradient descent whose repulsion
// runs on an FFT grid (FIt-SNE) while the layout is compact and Barnes-Hut after. Generic: rows in, 2-D out.
export { tsne, embedAffinities, effectivePerplexity, type TsneOptions } from './tsne.ts';
export { inputAffinities, type SparseAffinities } from './tsne-affinities.ts';
