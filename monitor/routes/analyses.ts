// GET /:id/epochs/:phase/:epoch/:kind[?reference=PHASE:EPOCH] — one kind of analysis of a checkpoint (network,
// instances, …), computed on first request (that kind only) and served from the `analyses` table ever after.
// A network abstraction can be asked against any other checkpoint of the run instead of the default reference.
// Mounted under /api/runs.
import { Hono, type HonoRequest } from 'hono';
import {
  ANALYSIS_KINDS,
  type AnalysisKey,
  type AnalysisKind,
  type AnalysisResponse,
  type AnalysisResults,
  type ServedResults,
} from '../../core/analysis-protocol.ts';
import { projectionView } from '../../core/projection-protocol.ts';
import { analysisKey, assertChosenReference } from '../../core/analysis-keys.ts';
import type { AnalyzeCheckpoint } from '../analysis-workers.ts';
import type { Store } from '../../store/store.ts';
import { TransferscopeError } from '../../core/errors.ts';
import { parseEpochParams, parseReference } from '../../core/params.ts';
import { makeImmutableResponses, REVALIDATE_CACHE_CONTROL, sendEncoded, type EncodedResponse, type ImmutableResponses } from '../immutable-responses.ts';

export function analysisRoutes(store: Store, analyze: AnalyzeCheckpoint): Hono {
  const app = new Hono();

  // The kind is part of the pattern, so other routes under /epochs/:phase/:epoch/ (confusion, …) stay theirs.
  // A stored analysis never changes (checkpoints are never rewritten, a resume re-commits only later epochs), so
  // each URL's answer is serialised and gzipped once and served from memory to every dashboard after that.
  const responses = makeImmutableResponses();

  app.get(`/:id/epochs/:phase/:epoch/:kind{${ANALYSIS_KINDS.join('|')}}`, async (c) => {
    const kind = c.req.param('kind') as AnalysisKind;
    // Only ?reference= selects an answer; other query parameters never create entries of their own.
    const reference = c.req.query('reference');
    const url = reference === undefined ? c.req.path : `${c.req.path}?reference=${reference}`;
    const held = responses.peek(url) ?? (await sharedStoredResponse(responses, url, kind, () => storedAnalysis(store, refuseToCompute, c.req, kind)));
    if (held) {
      return sendEncoded(c, held, REVALIDATE_CACHE_CONTROL);
    }
    const { key, result } = await storedAnalysis(store, analyze, c.req, kind);
    const body = { kind, key, result: servedResult(kind, result) } as AnalysisResponse;
    const encoded = await responses.get(url, async () => ({ contentType: 'application/json', body: JSON.stringify(body) }));
    return sendEncoded(c, encoded, REVALIDATE_CACHE_CONTROL);
  });

  return app;
}

/**
 * The stored `kind` analysis of the checkpoint the request's :id, :phase and :epoch (and ?reference=) name,
 * computed first (that kind only) when missing. Throws EPOCH_NOT_FOUND for a non-checkpoint or a comparing kind
 * with nothing to compare with. Aborting the request abandons a computation still waiting for a slot.
 */
export async function storedAnalysis<K extends AnalysisKind>(
  store: Store,
  analyze: AnalyzeCheckpoint,
  req: HonoRequest,
  kind: K,
): Promise<{ key: AnalysisKey; result: AnalysisResults[K] }> {
  const runId = req.param('id')!;
  const { phase, epoch } = parseEpochParams(req.param('phase')!, req.param('epoch')!);
  const at = await store.getEpoch({ runId, phase, epoch });
  if (!at.checkpoint) {
    throw new TransferscopeError(
      'EPOCH_NOT_FOUND',
      `Epoch ${epoch} of phase '${phase}' in run '${runId}' is not a checkpoint, so it has no weights to analyse. Pick an epoch with checkpoint=true (GET /api/runs/${runId}/metrics).`,
    );
  }
  const epochs = await store.listEpochs(runId);
  const asked = req.query('reference');
  const reference = asked === undefined ? null : parseReference(asked);
  if (reference) {
    assertChosenReference(kind, runId, epochs, at, reference);
  }
  const key = analysisKey(kind, runId, epochs, at, reference);
  if (!key) {
    throw new TransferscopeError(
      'EPOCH_NOT_FOUND',
      `Epoch ${epoch} of phase '${phase}' in run '${runId}' has no earlier source checkpoint to compare with; pick a later checkpoint.`,
    );
  }
  let result = await store.getAnalysis(kind, key);
  if (!result) {
    // The browser aborts the request when the view scrubbed on; a child still waiting for a slot then leaves.
    await analyze({ runId, phase, epoch }, { kinds: [kind], signal: req.raw.signal, ...(reference ? { reference } : {}) });
    result = await store.getAnalysis(kind, key);
  }
  if (!result) {
    throw new TransferscopeError('INTERNAL', `The ${kind} analysis of ${phase} epoch ${epoch} of run '${runId}' finished but stored nothing.`);
  }
  return { key, result };
}

/** What the API sends of a stored result: a projection without its model's weights and PNG (workers' business). */
function servedResult(kind: AnalysisKind, result: AnalysisResults[AnalysisKind]): ServedResults[AnalysisKind] {
  return kind === 'projection' ? projectionView(result as AnalysisResults['projection']) : result;
}

/** Thrown by `refuseToCompute` in place of computing a missing analysis. */
const NOT_STORED = new Error('analysis not stored yet');
const refuseToCompute: AnalyzeCheckpoint = () => Promise.reject(NOT_STORED);

/**
 * The encoded answer under `url` when its analysis is stored, read, parsed and encoded once however many requests
 * ask at a time (a cold cache under load: dozens for one checkpoint); null when it must be computed first, which
 * each request then asks for with its own signal, so a view that moved on can abandon it.
 */
async function sharedStoredResponse(
  responses: ImmutableResponses,
  url: string,
  kind: AnalysisKind,
  read: () => Promise<{ key: AnalysisKey; result: AnalysisResults[AnalysisKind] }>,
): Promise<EncodedResponse | null> {
  try {
    return await responses.get(url, async () => {
      const { key, result } = await read();
      const body = { kind, key, result: servedResult(kind, result) } as AnalysisResponse;
      return { contentType: 'application/json', body: JSON.stringify(body) };
    });
  } catch (err) {
    if (err === NOT_STORED) {
      return null;
    }
    throw err;
  }
}
