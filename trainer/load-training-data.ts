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
import type { DomainSpec, TrainConfig } from './config.ts';
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

/** Loads, matches and splits both domains (source with `seed`, target with `seed + 1`, so the two domains never share a shuffle). */
export async function loadTrainingData(config: TrainConfig): Promise<LoadedTrainingData> {
  const size = modelInputSize(config);
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
