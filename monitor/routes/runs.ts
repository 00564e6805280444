// /api/runs: run list, metadata, per-epoch metrics, and the per-class confusion table of any epoch.
import { Hono } from 'hono';
import type { ConfusionResponse, EpochRecord, EpochRef } from '../../core/protocol.ts';
import type { Store } from '../../store/store.ts';
import { TransferscopeError } from '../../core/errors.ts';
import { parseEpochParams } from '../../core/params.ts';
import { confusionRows } from '../../analysis/confusion.ts';
import { transferability } from '../../analysis/transferability.ts';
import { makeImmutableResponses, REVALIDATE_CACHE_CONTROL, sendEncoded } from '../immutable-responses.ts';
import { COMMITTED_ANSWERS_BYTES, commitKey } from '../commit-keys.ts';

export function runsRoutes(store: Store): Hono {
  const app = new Hono();
  // A confusion table reads only epochs up to the viewed one, so it is kept under their commit times.
  const confusionAnswers = makeImmutableResponses(COMMITTED_ANSWERS_BYTES);

  app.get('/', async (c) => c.json(await store.listRuns()));

  app.get('/:id', async (c) => c.json(await store.getRun(c.req.param('id'))));

  app.get('/:id/metrics', async (c) => {
    const runId = c.req.param('id');
    return c.json({ runId, epochs: await store.listEpochs(runId) });
  });

  app.get('/:id/epochs/:phase/:epoch/confusion', async (c) => {
    const runId = c.req.param('id');
    const { phase, epoch } = parseEpochParams(c.req.param('phase'), c.req.param('epoch'));
    const [at, epochs] = await Promise.all([store.getEpoch({ runId, phase, epoch }), store.listEpochs(runId)]);
    const upToViewed = epochs.filter((e) => e.step <= at.step);
    const encoded = await confusionAnswers.get(`${runId}/${commitKey(upToViewed)}/${at.step}`, async () => ({
      contentType: 'application/json',
      body: JSON.stringify(await confusionTable(store, runId, at, upToViewed)),
    }));
    return sendEncoded(c, encoded, REVALIDATE_CACHE_CONTROL);
  });

  return app;
}

/** The per-class confusion table of `at`, from `epochs`: the run's committed epochs up to `at`. */
async function confusionTable(store: Store, runId: string, at: EpochRecord, epochs: EpochRecord[]): Promise<ConfusionResponse> {
  const { phase, epoch } = at;
  const [run, labels, viewed] = await Promise.all([
    store.getRun(runId),
    store.getLabels(runId, 'target-validation'),
    store.getPredictions({ runId, phase, epoch }),
  ]);
  // The source column always shows the latest source model up to the viewed epoch: the final source
  // model once fine-tuning has started, the viewed one during the source phase.
  const sourceEpochs = epochs.filter((e) => e.phase === 'source' && e.step <= at.step);
  const sourceAt = sourceEpochs.at(-1);
  const sourceReference: EpochRef | null = sourceAt ? { phase: 'source', epoch: sourceAt.epoch, step: sourceAt.step } : null;
  const sourcePredictions = sourceReference ? (sourceReference.step === at.step ? viewed : await store.getPredictions({ runId, ...sourceReference })) : null;
  const viewedTarget = viewed.get('target-validation');
  if (!viewedTarget || labels.length !== viewedTarget.length) {
    throw new TransferscopeError(
      'EPOCH_NOT_FOUND',
      `Epoch ${epoch} of phase '${phase}' in run '${runId}' has no target-validation predictions matching its stored instances (${labels.length} labels); the run was not written by transferscope train.`,
    );
  }
  const body: ConfusionResponse = {
    runId,
    at: { phase, epoch, step: at.step },
    sourceReference,
    transferability: transferability(epochs, at.step),
    rows: confusionRows({
      classNames: run.classNames,
      labels,
      sourcePredicted: sourcePredictions?.get('target-validation') ?? null,
      targetPredicted: phase === 'target' ? viewedTarget : null,
      viewedPredicted: viewedTarget,
    }),
  };
  return body;
}
