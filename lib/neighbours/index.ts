// Exact k-nearest-neighbour search (WebAssembly SIMD distance blocks, JS loops as the reference), the
// principal coordinates that shrink rows before it, and how well a 2-D layout keeps each row's neighbours.
export { nearestNeighbours, rowCount, type NeighbourGraph, type NeighbourSearchOptions } from './neighbour-search.ts';
export { neighbourPreservation, pointNeighbourPreservation, preservationFromGraph, meanOf, meanDisplacement } from './neighbour-preservation.ts';
export { principalCoordinates, type PrincipalCoordinates } from './principal-coordinates.ts';
