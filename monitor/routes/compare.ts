// GET /api/compare (any two epochs side by side), /api/compare/important (how important neurons and weights
// changed) and /api/runs/:id/weight-drift (each layer's distance from the source model over fine-tuning).
import { Hono } from 'hono';
import type { EpochRecord } from '../../core/protocol.ts';
import type {
  CheckpointId,
  ClassAccuracyChange,
  CompareResponse,
  CompareSide,
  ImportantChangesResponse,
  LayerChange,
  WeightDriftResponse,
} from '../../core/compare-protocol.ts';
import type { NetworkAbstraction } from '../../core/network-protocol.ts';
import type { Store } from '../../store/store.ts';
import type { AnalyzeCheckpoint } from '../analysis-workers.ts';
import type { LayerWeights } from '../../store/schema/tables.ts';
import { VALIDATION_SPLITS } from '../../core/protocol.ts';
import { TransferscopeError } from '../../core/errors.ts';
import { analysisKey } from '../../core/analysis-keys.ts';
import { parseSettingsName } from '../../core/analysis-settings.ts';
import type { AnalysisKey, AnalysisSettingsName } from '../../core/analysis-protocol.ts';
import { perClassAccuracy } from '../../analysis/confusion.ts';
import { relativeL2 } from '../../analysis/weight-change.ts';
import { readRunLayers } from '../../analysis/run-layers.ts';
import { classAccuracyChanges, importantChanges, layerChanges } from '../../analysis/checkpoint-comparison.ts';
import { assertRunId, clip, parseEpochParams } from '../../core/params.ts';
import { makeImmutableResponses, REVALIDATE_CACHE_CONTROL, sendEncoded } from '../immutable-responses.ts';
import { COMMITTED_ANSWERS_BYTES, commitKey } from '../commit-keys.ts';

/** `?settings=S` (both sides) or `S_A,S_B` (one per side); undefined when absent. */
function parseCompareSettings(value: string | undefined): { a: AnalysisSettingsName; b: AnalysisSettingsName } | undefined {
  if (value === undefined) {
    return undefined;
  }
  const parts = value.split(',');
  if (parts.length > 2) {
    throw new TransferscopeError('INVALID_ARGUMENT', `Invalid settings '${clip(value)}': use live, paper, or one per side such as live,paper.`);
  }
  const a = parseSettingsName(parts[0]!);
  return { a, b: parts[1] === undefined ? a : parseSettingsName(parts[1]) };
}

/** The one line that refuses to set a live estimate against a refined result. */
export function mixedRefusal(a: AnalysisSettingsName, b: AnalysisSettingsName): string {
  return `a is asked at ${a} settings and b at ${b}: a live estimate and a refined result differ by integration error, not only by training. Ask both at one setting (settings=live or settings=paper), or add mixed=1 to compare them anyway.`;
}

/** Parses `RUN:PHASE:EPOCH` from the query parameter `name` (it enters the program here). */
export function parseCheckpointId(name: string, value: string | undefined): CheckpointId {
  const parts = value?.split(':') ?? [];
  if (parts.length !== 3 || !parts[0]) {
    throw new TransferscopeError(
      'INVALID_ARGUMENT',
      `Query parameter '${name}' must be RUN:PHASE:EPOCH, e.g. ${name}=digits-1:target:3 (got '${clip(value ?? '')}').`,
    );
  }
  assertRunId(parts[0]);
  return { runId: parts[0], ...parseEpochParams(parts[1]!, parts[2]!) };
}

async function loadSide(store: Store, id: CheckpointId, record: EpochRecord): Promise<{ side: CompareSide; record: EpochRecord; classNames: string[] }> {
  const run = await store.getRun(id.runId);
  return { side: { ...id, step: record.step, checkpoint: record.checkpoint, configName: run.configName }, record, classNames: run.classNames };
}

/** Per split, per class accuracy of one epoch's stored predictions; empty for a split without them. */
async function classAccuracies(store: Store, id: CheckpointId, classCount: number) {
  const predictions = await store.getPredictions(id);
  const entries = await Promise.all(
    VALIDATION_SPLITS.map(async (split) => {
      const predicted = predictions.get(split);
      const labels = await store.getLabels(id.runId, split);
      return [split, predicted && predicted.length === labels.length ? perClassAccuracy(labels, predicted, classCount) : []] as const;
    }),
  );
  return new Map(entries);
}

export function compareRoutes(store: Store, analyze: AnalyzeCheckpoint | null): Hono {
  const app = new Hono();
  // Drift of one checkpoint from one reference never changes; keyed by both checkpoints' commits.
  const driftCache = new Map<string, { layer: LayerWeights['layer']; relativeL2: number | null }[]>();
  // Both answers read committed epochs only, so they are kept under those epochs' commit times.
  const compareAnswers = makeImmutableResponses(COMMITTED_ANSWERS_BYTES);
  const driftAnswers = makeImmutableResponses(COMMITTED_ANSWERS_BYTES);

  app.get('/compare', async (c) => {
    const a = parseCheckpointId('a', c.req.query('a'));
    const b = parseCheckpointId('b', c.req.query('b'));
    const [ra, rb] = await Promise.all([store.getEpoch(a), store.getEpoch(b)]);
    const key = `${a.runId}/${commitKey([ra])}/${b.runId}/${commitKey([rb])}`;
    const encoded = await compareAnswers.get(key, async () => ({
      contentType: 'application/json',
      body: JSON.stringify(await compareCheckpoints(store, { id: a, record: ra }, { id: b, record: rb })),
    }));
    return sendEncoded(c, encoded, REVALIDATE_CACHE_CONTROL);
  });

  app.get('/compare/important', async (c) => {
    const a = parseCheckpointId('a', c.req.query('a'));
    const b = parseCheckpointId('b', c.req.query('b'));
    const asked = parseCompareSettings(c.req.query('settings'));
    const mixed = c.req.query('mixed') === '1';
    if (asked && asked.a !== asked.b && !mixed) {
      throw new TransferscopeError('INVALID_ARGUMENT', mixedRefusal(asked.a, asked.b));
    }
    const keyOf = async (id: CheckpointId) => {
      const [run, at, epochs] = await Promise.all([store.getRun(id.runId), store.getEpoch(id), store.listEpochs(id.runId)]);
      const key = (settings: AnalysisSettingsName) => analysisKey('network', id.runId, epochs, at, null, settings);
      if (!key('live')) {
        throw new TransferscopeError(
          'EPOCH_NOT_FOUND',
          `${id.runId} ${id.phase} ${id.epoch} has no network abstraction: it is not a checkpoint, or no earlier source checkpoint exists. Pick a later checkpoint.`,
        );
      }
      return { key, classNames: run.classNames, refined: await store.hasAnalysis('network', key('paper')!) };
    };
    const [ka, kb] = await Promise.all([keyOf(a), keyOf(b)]);
    // Like with like: without ?settings= both sides are at the paper's settings only when both are refined.
    const common: AnalysisSettingsName = ka.refined && kb.refined ? 'paper' : 'live';
    const settings = asked ?? { a: common, b: common };
    const network = async (id: CheckpointId, key: AnalysisKey): Promise<NetworkAbstraction> => {
      let abstraction = await store.getAnalysis('network', key);
      if (!abstraction && analyze) {
        await analyze(id, { kinds: ['network'], signal: c.req.raw.signal, ...(key.settings === 'paper' ? { settings: key.settings } : {}) });
        abstraction = await store.getAnalysis('network', key);
      }
      if (!abstraction) {
        throw new TransferscopeError(
          'EPOCH_NOT_FOUND',
          `The network abstraction of ${id.runId} ${id.phase} ${id.epoch} is not computed yet. Run: npx transferscope analyze --run ${id.runId} --phase ${id.phase} --epoch ${id.epoch}${key.settings === 'paper' ? ' --settings paper' : ''}`,
        );
      }
      return abstraction;
    };
    const [na, nb] = await Promise.all([network(a, ka.key(settings.a)!), network(b, kb.key(settings.b)!)]);
    const body: ImportantChangesResponse = {
      a,
      b,
      settings,
      classes: importantChanges({ abstraction: na, classNames: ka.classNames }, { abstraction: nb, classNames: kb.classNames }),
    };
    return c.json(body);
  });

  app.get('/runs/:id/weight-drift', async (c) => {
    const runId = c.req.param('id');
    const epochs = await store.listEpochs(runId);
    const reference = epochs.filter((e) => e.phase === 'source' && e.checkpoint).at(-1) ?? null;
    const targets = epochs.filter((e) => e.phase === 'target' && e.checkpoint);
    const encoded = await driftAnswers.get(`${runId}/${commitKey(reference ? [reference, ...targets] : [])}`, async () => ({
      contentType: 'application/json',
      body: JSON.stringify(await weightDrift(runId, reference, targets)),
    }));
    return sendEncoded(c, encoded, REVALIDATE_CACHE_CONTROL);
  });

  /** Each target checkpoint's per-layer distance from `reference`, the last source checkpoint. */
  const weightDrift = async (runId: string, reference: EpochRecord | null, targets: EpochRecord[]): Promise<WeightDriftResponse> => {
    const body: WeightDriftResponse = {
      runId,
      reference: reference && { phase: reference.phase, epoch: reference.epoch, step: reference.step },
      checkpoints: [],
    };
    if (!reference) {
      return body;
    }
    let referenceWeights: Map<string, LayerWeights> | null = null;
    // The monitored layers only: a recorded model's checkpoint also holds batch norm and other weighted layers.
    const { layers: monitored } = await readRunLayers(store, runId);
    for (const at of targets) {
      const id = `${runId}/${commitKey([reference, at])}`;
      let layers = driftCache.get(id);
      if (!layers) {
        referenceWeights ??= new Map((await store.getWeights({ runId, ...reference })).map((l) => [l.layer, l]));
        const from = referenceWeights;
        layers = (await store.getWeights({ runId, ...at }))
          .filter((l) => monitored.includes(l.layer))
          .map((l) => ({
            layer: l.layer,
            relativeL2: from.has(l.layer) ? relativeL2(from.get(l.layer)!, l) : null,
          }));
        driftCache.set(id, layers);
      }
      body.checkpoints.push({ at: { phase: at.phase, epoch: at.epoch, step: at.step }, layers });
    }
    return body;
  };

  return app;
}

/** Any two committed epochs side by side: overall and per-class accuracy, and each layer's weight change. */
async function compareCheckpoints(
  store: Store,
  { id: a, record: ra }: { id: CheckpointId; record: EpochRecord },
  { id: b, record: rb }: { id: CheckpointId; record: EpochRecord },
): Promise<CompareResponse> {
  const [sa, sb] = await Promise.all([loadSide(store, a, ra), loadSide(store, b, rb)]);
  const [accA, accB] = await Promise.all([classAccuracies(store, a, sa.classNames.length), classAccuracies(store, b, sb.classNames.length)]);
  const classes: ClassAccuracyChange[] = classAccuracyChanges({ classNames: sa.classNames, accuracy: accA }, { classNames: sb.classNames, accuracy: accB });
  let layers: LayerChange[] | null = null;
  let layersUnavailable: string | null = null;
  if (!sa.record.checkpoint || !sb.record.checkpoint) {
    layersUnavailable = `Weights are stored only at checkpoints; ${!sa.record.checkpoint ? `a (${a.phase} ${a.epoch})` : `b (${b.phase} ${b.epoch})`} is not one.`;
  } else {
    const monitoredOnly = async (id: CheckpointId) => {
      const [weights, { layers: monitored }] = await Promise.all([store.getWeights(id), readRunLayers(store, id.runId)]);
      return weights.filter((l) => monitored.includes(l.layer));
    };
    const [wa, wb, { neurons }] = await Promise.all([monitoredOnly(a), monitoredOnly(b), readRunLayers(store, b.runId)]);
    layers = layerChanges(wa, wb, neurons);
    if (layers.every((l) => l.relativeL2 === null)) {
      layers = null;
      layersUnavailable = 'The two models have different architectures, so their weights cannot be compared.';
    }
  }
  const overall = (['source-validation', 'target-validation'] as const).map((split) => {
    const field = split === 'source-validation' ? 'accSourceValidation' : 'accTargetValidation';
    return { split, a: sa.record[field], b: sb.record[field], delta: sb.record[field] - sa.record[field] };
  });
  return { a: sa.side, b: sb.side, overall, classes, layers, layersUnavailable };
}
