// The package's public entry point (`import { recordTransfer } from 'transferscope'`): record your own tfjs
// training script into a store that `transferscope serve` shows, with the digit domains to try it on.
export {
  recordTransfer,
  type DomainData,
  type LabelledImages,
  type RecordTransferOptions,
  type RecordedConfig,
  type TransferRecorder,
} from './trainer/record-transfer.ts';
export { importLayersModel, SUPPORTED_LAYER_CLASSES, type ImportedModel } from './trainer/layers-model-import.ts';
export { selectBackend, type BackendChoice } from './trainer/backend.ts';
export { DIGIT_CLASS_NAMES, loadMnistDigits, makeSyntheticDigits, type ImageSet } from './datasets/index.ts';
