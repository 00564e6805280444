// A ResNet-20 run written into a real store through the store module, for dashboard tests that need a deep network
// without training one: the real ResNet-20's model row (trainer/models/resnet-20.ts: topology, its 22 monitored
// layers by their own names), checkpoints, and at every checkpoint a network abstraction whose `layers` and `links`
// are what the analysis derives from that topology (analysis/run-layers.ts: pairs across a shortcut are not direct,
// so they have no boundary), plus the other analyses the dashboard asks for, so no analysis child starts. Only the
// abstraction's numbers are made up; the layer graph the view is tested against is the model's own.
import '@tensorflow/tfjs-backend-cpu';
import { analysisKey } from '../../core/analysis-keys.ts';
import type { AnalysisKind, AnalysisResults } from '../../core/analysis-protocol.ts';
import type { InstanceProjection } from '../../core/instances-protocol.ts';
import type {
  NetworkAbstraction,
  NetworkBoundaryAbstraction,
  NetworkClassAbstraction,
  NetworkHistogram,
  NetworkLayerAbstraction,
  NetworkLayerLink,
} from '../../core/network-protocol.ts';
import type { LayerName, Phase } from '../../core/protocol.ts';
import { modelLayers } from '../../analysis/run-layers.ts';
import { Store } from '../../store/store.ts';
import type { RunModel } from '../../store/schema/tables.ts';
import { describeModel } from '../../trainer/model-description.ts';
import { buildResNet20 } from '../../trainer/models/resnet-20.ts';
import { epochRecord, instanceProjection, layerWeights, runMeta } from './run-fixture.ts';

/** ResNet-20 for three classes as the built-in trainer stores it: topology, monitored layers, representation. */
export const RESNET_20_MODEL: RunModel = (() => {
  const model = buildResNet20({ classCount: 3, seed: 1 });
  try {
    return describeModel(model);
  } finally {
    model.dispose();
  }
})();

/** Its monitored layers in model order (stem, 18 block convolutions, 2 projection shortcuts, fc) and their links. */
export const RESNET_20_LAYERS: readonly string[] = RESNET_20_MODEL.monitoredLayers;
export const RESNET_20_LINKS: readonly NetworkLayerLink[] = modelLayers(RESNET_20_MODEL).links;

const CLASSES = ['0', '1', '2'];
const PER_SPLIT = 6;
const NEURONS = 16;
const as = (name: string): LayerName => name as LayerName;

function histogram(bins: number, seed: number): NetworkHistogram {
  return { min: -1, max: 1, counts: Array.from({ length: bins }, (_, i) => (i * 7 + seed) % 5) };
}

/** Layer `p` of class `c`: three important neurons of each model, distinct per layer and class. */
function layerAbstraction(name: string, p: number, c: number): NetworkLayerAbstraction {
  const importantNeurons = [0, 1, 2].map((k) => (p + c + 5 * k) % NEURONS);
  const importantSourceNeurons = [0, 1, 2].map((k) => (p + 2 * c + 3 * k + 1) % NEURONS);
  const mostSimilarSource = Array.from({ length: NEURONS }, (_, n) => (n + 1) % NEURONS);
  const mostSimilarValue = Array.from({ length: NEURONS }, (_, n) => 0.5 + ((n + p) % 5) / 10);
  const peers = (k: number) => ({ neurons: [0, 1, 2, 3, 4].map((j) => (k + j) % NEURONS), values: [0.9, 0.8, 0.7, 0.6, 0.5] });
  return {
    layer: as(name),
    sourceNeurons: NEURONS,
    targetNeurons: NEURONS,
    importantNeurons,
    summedRanks: [3, 6, 9],
    importantSourceNeurons,
    sourceSummedRanks: [3, 6, 9],
    mostSimilarSource,
    mostSimilarValue,
    importantSimilarity: Array.from({ length: 9 }, (_, i) => Math.round((0.2 + ((i + p) % 8) / 10) * 1000) / 1000),
    similarityRegions: { importantSourceOther: histogram(20, p), otherSourceImportant: histogram(20, p + 1), otherOther: histogram(20, p + 2) },
    similarSources: importantNeurons.map(peers),
    similarTargets: importantSourceNeurons.map(peers),
  };
}

/** The boundary of a direct link: one important target weight between the first important neurons of both layers. */
function boundary(from: NetworkLayerAbstraction, to: NetworkLayerAbstraction): NetworkBoundaryAbstraction {
  const n1 = from.importantNeurons[0]!;
  const n2 = to.importantNeurons[0]!;
  const group = (neuron: number) => ({
    neuron,
    levels: [-0.2, -0.1, 0, 0.1, 0.2] as [number, number, number, number, number],
    weights: 13,
    important: 1,
    inherited: 1,
  });
  return {
    fromLayer: from.layer,
    toLayer: to.layer,
    target: { from: [n1], to: [n2], count: [4] },
    source: { from: [n1], to: [n2], count: [3] },
    inheritance: { sourceFrom: [n1], sourceTo: [n2], fromSimilarity: [0.9], toSimilarity: [0.8], inherited: [true] },
    regions: {
      fromImportant: from.importantNeurons.map(group),
      toImportant: to.importantNeurons.map(group),
      otherOther: { ...histogram(16, 3), weights: 169, important: 0, inherited: 0 },
      levelRange: [-0.3, 0.3],
    },
  };
}

/** A network abstraction of `layers` as the graph analysis stores it: boundaries for direct links only. */
export function resnetNetworkAbstraction(
  layers: readonly string[] = RESNET_20_LAYERS,
  links: readonly NetworkLayerLink[] = RESNET_20_LINKS,
): NetworkAbstraction {
  const classes = CLASSES.map((_, c): NetworkClassAbstraction => {
    const abstractions = layers.map((name, p) => layerAbstraction(name, p, c));
    return {
      classIndex: c,
      instances: [0, 1],
      layers: abstractions,
      boundaries: links.flatMap((link, i) => (link.direct ? [boundary(abstractions[i]!, abstractions[i + 1]!)] : [])),
    };
  });
  return { layers: [...layers], links: [...links], steps: 8, maxPerClass: 20, seconds: 1, classes };
}

function instances(): InstanceProjection {
  const count = 2 * PER_SPLIT;
  const rows = Array.from({ length: count }, (_, r) => r);
  const label = rows.map((r) => r % CLASSES.length);
  return instanceProjection({
    count,
    domain: rows.map((r) => (r < PER_SPLIT ? 0 : 1)),
    index: rows.map((r) => r % PER_SPLIT),
    label,
    predicted: label,
    x: rows.map((r) => r),
    y: label,
    layer: 'pool',
    activationDimensions: 64,
  });
}

/** Writes run `runId` (source epochs 1-2, target epochs 1-2, every one a checkpoint) with its analyses into `db`. */
export async function writeResNetRun(db: string, runId: string): Promise<void> {
  const store = await Store.open(db);
  try {
    await store.createRun(
      runMeta(runId, {
        status: 'finished',
        configName: 'digits-resnet',
        classNames: CLASSES,
        datasetSizes: { sourceTrain: 12, sourceValidation: PER_SPLIT, targetTrain: 12, targetValidation: PER_SPLIT },
      }),
    );
    await store.putRunModel(runId, RESNET_20_MODEL);
    const predictions = [
      { split: 'source-validation' as const, predicted: new Int16Array(PER_SPLIT) },
      { split: 'target-validation' as const, predicted: new Int16Array(PER_SPLIT) },
    ];
    const checkpoints: [Phase, number][] = [
      ['source', 1],
      ['source', 2],
      ['target', 1],
      ['target', 2],
    ];
    for (const [i, [phase, epoch]] of checkpoints.entries()) {
      await store.commitEpoch(runId, { record: epochRecord(phase, epoch, i + 1), predictions, weights: [layerWeights(as('fc'), 64, 0.1)] });
    }
    const epochs = await store.listEpochs(runId);
    const put = async <K extends AnalysisKind>(kind: K, at: (typeof epochs)[number], result: AnalysisResults[K]): Promise<void> => {
      const key = analysisKey(kind, runId, epochs, at);
      if (key) {
        await store.putAnalysis(kind, key, result);
      }
    };
    for (const at of epochs) {
      await put('network', at, resnetNetworkAbstraction());
      await put('features', at, { steps: 8, maxPerClass: 20, C: 1, seconds: 1, classes: [] });
      await put('instances', at, instances());
    }
  } finally {
    store.close();
  }
}
