// Turns a config's two domain specs into split readers: embedded digits, IDX files or image folders,
// matched by class name, with a report of what was skipped for the run's metadata.
import type { DataReport, Domain } from '../core/protocol.ts';
import { makeSyntheticDigits, loadMnistDigits } from '../datasets/index.ts';
import { matchClasses } from '../datasets/class-matching.ts';
import { combineReports, emptyDomainReport, type DomainLoadReport } from '../datasets/data-report.ts';
import { loadIdxDomain } from '../datasets/idx-domain.ts';
import { loadImageFolder } from '../datasets/image-folder-domain.ts';
import { memoryReader, type ImageReader } from '../datasets/image-reader.ts';
import { splitReader } from '../datasets/split-domain.ts';
import { TransferscopeError } from '../core/errors.ts';
import type { DomainSpec, TrainConfig } from './config.ts';
import { IN_MEMORY_KINDS } from './config-domains.ts';
import { modelInputSize } from './run-model.ts';
import type { TrainingData } from './evaluate.ts';

export interface LoadedTrainingData extends TrainingData {
  /** Present when a domain comes from files (image folders, IDX) or classes had to be matched. */
  report?: DataReport;
}

async function loadDomain(spec: DomainSpec, domain: Domain, seed: number, size: number): Promise<{ reader: ImageReader; report?: DomainLoadReport }> {
  switch (spec.kind) {
    case 'synthetic-digits':
      return { reader: memoryReader(makeSyntheticDigits({ count: spec.count, seed, size })) };
    case 'mnist':
      return { reader: memoryReader(loadMnistDigits({ count: spec.count, seed, size })) };
    case 'idx':
      return {
        reader: memoryReader(
          loadIdxDomain({ images: spec.images, labels: spec.labels, size, seed, ...(spec.perClass !== undefined ? { perClass: spec.perClass } : {}) }),
        ),
        report: emptyDomainReport(domain),
      };
    case 'image-folder':
      return loadImageFolder({
        path: spec.path,
        domain,
        size,
        seed,
        flip: spec.flip,
        ...(spec.maxPerClass !== undefined ? { maxPerClass: spec.maxPerClass } : {}),
      });
  }
}

// 6,000 digits at 64x64 RGB float32 are 300 MB; at 224x224 they would be 3.6 GB.
const MAX_IN_MEMORY_SIZE = 64;

/** Loads, matches and splits both domains (source with `seed`, target with `seed + 1`, so the two domains never share a shuffle). */
export async function loadTrainingData(config: TrainConfig): Promise<LoadedTrainingData> {
  const size = modelInputSize(config);
  for (const [key, spec] of [
    ['source', config.source],
    ['target', config.target],
  ] as const) {
    // validateConfig refuses these for alexnet-227; an imported network's input size is known only from its file.
    if (size > MAX_IN_MEMORY_SIZE && IN_MEMORY_KINDS.includes(spec.kind)) {
      throw new TransferscopeError(
        'INVALID_CONFIG',
        `'${key}.kind' '${spec.kind}' is held in memory at the model's input size, too big at ${size}x${size}; use an 'image-folder' domain, or a model with inputs up to ${MAX_IN_MEMORY_SIZE}x${MAX_IN_MEMORY_SIZE}.`,
      );
    }
  }
  const source = await loadDomain(config.source, 'source', config.seed, size);
  const target = await loadDomain(config.target, 'target', config.seed + 1, size);
  const matched = matchClasses(source.reader, target.reader);
  const split = (reader: ImageReader, seed: number) => splitReader(reader, { trainFraction: config.trainFraction, seed });
  const needsReport = source.report !== undefined || target.report !== undefined || matched.onlyInOne.length > 0;
  return {
    source: split(matched.source, config.seed),
    target: split(matched.target, config.seed + 1),
    ...(needsReport
      ? { report: combineReports(source.report ?? emptyDomainReport('source'), target.report ?? emptyDomainReport('target'), matched.onlyInOne) }
      : {}),
  };
}
