// Checks that what a config points at exists on disk, before anything is stored: a missing folder, IDX file or
// pretrained model is one line naming the path, and no store is created for a run that cannot start.
import { statSync, type Stats } from 'node:fs';
import { TransferscopeError } from '../core/errors.ts';
import { checkIdxFile } from '../datasets/idx-file.ts';
import type { DomainSpec } from './config-domains.ts';
import type { TrainConfig } from './config.ts';

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function checkDomainFiles(spec: DomainSpec, key: 'source' | 'target'): void {
  if (spec.kind === 'image-folder') {
    if (!statOrNull(spec.path)?.isDirectory()) {
      throw new TransferscopeError(
        'DATASET_NOT_FOUND',
        `The ${key} image folder '${spec.path}' does not exist. Put one sub-folder per class of JPEG/PNG/WebP images there (see README, "Your own data").`,
      );
    }
  } else if (spec.kind === 'idx') {
    checkIdxFile(spec.images);
    checkIdxFile(spec.labels);
  }
}

/**
 * Throws DATASET_NOT_FOUND (or INVALID_ARGUMENT for a device or an oversized file) unless every data folder and
 * file and the pretrained model.json the config names exist. Their contents are checked when they are loaded.
 */
export function checkConfigFiles(config: TrainConfig): void {
  checkDomainFiles(config.source, 'source');
  checkDomainFiles(config.target, 'target');
  if (config.pretrained && !statOrNull(config.pretrained.path)?.isFile()) {
    throw new TransferscopeError(
      'DATASET_NOT_FOUND',
      `The pretrained model '${config.pretrained.path}' is not a file. Point 'pretrained.path' at a TensorFlow.js Layers model.json.`,
    );
  }
}
