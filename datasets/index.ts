// Public surface of datasets/: the two embedded digit domains, the split, and the plain-array types
// the trainer consumes. Nothing here touches tensors or the network.
export { DIGIT_CLASS_NAMES } from './digit-classes.ts';
export { allocateImageSet, classCounts, imageAt, imageLength, indicesByClass, subset, type DomainSplit, type ImageSet } from './image-set.ts';
export { loadMnistDigits, MNIST_TOTAL, type MnistDigitsOptions } from './mnist-digits.ts';
export { renderContactSheet, type ContactSheet, type ContactSheetOptions } from './preview.ts';
export { SeededRandom } from '../lib/random/index.ts';
export { splitDomain, type SplitOptions } from './split-domain.ts';
export { makeSyntheticDigits, type SyntheticDigitsOptions } from './synthetic-digits.ts';
