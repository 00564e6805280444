// GET /:id/epochs/:phase/:epoch/:kind[?reference=PHASE:EPOCH][&settings=live|paper] — one kind of analysis of a checkpoint (network,
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
  type AnalysisSettingsName,
  type ServedResults,
} from '../../core/analysis-protocol.ts';
import { projectionView } from '../../core/projection-protocol.ts';
import { analysisKey, assertChosenReference } from '../../core/analysis-keys.ts';
import { parseSettingsName, settingsOf, storedKindName } from '../../core/analysis-settings.ts';
import type { AnalyzeCheckpoint } from '../analysis-workers.ts';
import type { Store } from '../../store/store.ts';
import { TransferscopeError } from '../../core/errors.ts';
import { parseEpochParams, parseReference } from '../../core/params.ts';
import { makeImmutableResponses, REVALIDATE_CACHE_CONTROL, sendEncoded } from '../immutable-responses.ts';

/** Keys remembered for held live estimates; a few hundred bytes each. */
const LIVE_KEYS_LIMIT = 4096;

export function analysisRoutes(store: Store, analyze: AnalyzeCheckpoint): Hono {
  const app = new Hono();

  // The kind is part of the pattern, so other routes under /epochs/:phase/:epoch/ (confusion, …) stay theirs.
  // A stored analysis never changes (checkpoints are never rewritten, a resume re-commits only later epochs), so
  // each URL's answer is serialised and gzipped once and served from memory to every dashboard after that.
  const responses = makeImmutableResponses();
  /** The keys of live estimates served of refinable kinds, so a repeat asks the store only whether the paper's landed. */
  const liveKeys = new Map<string, AnalysisKey>();
  /** Store reads in flight, by what the request asked; each lasts until its read settles. */
  const storedReads = new Map<string, Promise<{ key: AnalysisKey; result: string }>>();

  app.get(`/:id/epochs/:phase/:epoch/:kind{${ANALYSIS_KINDS.join('|')}}`, async (c) => {
    const kind = c.req.param('kind') as AnalysisKind;
    // Only ?reference= and ?settings= select an answer; other query parameters never create entries of their own.
    // Every entry is keyed by the settings it holds: without ?settings= the answer is the best stored one, which
    // changes once when the paper's settings land, so that URL itself is never an entry.
    const reference = c.req.query('reference');
    const asked = c.req.query('settings');
    const settings = asked === undefined ? undefined : parseSettingsName(asked);
    const urlAt = (s: AnalysisSettingsName) => `${c.req.path}?settings=${settingsOf(kind, s)}${reference === undefined ? '' : `&reference=${reference}`}`;
    // The paper's answer, once held, is the best there will ever be.
    const held = responses.peek(urlAt(settings ?? 'paper'));
    if (held) {
      return sendEncoded(c, held, REVALIDATE_CACHE_CONTROL);
    }
    // A held live estimate is the best answer until a refinement is stored: one row count tells, no epoch reads.
    const liveKey = settings === undefined ? liveKeys.get(urlAt('live')) : undefined;
    const heldLive = liveKey && responses.peek(urlAt('live'));
    if (liveKey && heldLive && !(await store.hasAnalysis(kind, { ...liveKey, settings: 'paper' }))) {
      return sendEncoded(c, heldLive, REVALIDATE_CACHE_CONTROL);
    }
    // Many first requests at once (a cold cache under load) share one store read; a missing analysis is then
    // computed on each request's own signal, so a view that moved on can abandon it.
    const readKey = `${c.req.path}?settings=${asked ?? ''}&reference=${reference ?? ''}`;
    let read = storedReads.get(readKey);
    if (!read) {
      read = storedAnalysisJson(store, refuseToCompute, c.req, kind, settings).finally(() => storedReads.delete(readKey));
      storedReads.set(readKey, read);
    }
    const { key, result } = await read.catch((err: unknown) => {
      if (err === NOT_STORED) {
        return storedAnalysisJson(store, analyze, c.req, kind, settings);
      }
      throw err;
    });
    const served = key.settings ?? 'live';
    const encoded = await responses.get(urlAt(served), async () => ({ contentType: 'application/json', body: responseJson(kind, key, served, result) }));
    if (served === 'live' && settingsOf(kind, 'paper') === 'paper') {
      liveKeys.set(urlAt('live'), key);
      if (liveKeys.size > LIVE_KEYS_LIMIT) {
        liveKeys.delete(liveKeys.keys().next().value!);
      }
    }
    return sendEncoded(c, encoded, REVALIDATE_CACHE_CONTROL);
  });

  return app;
}

/**
 * The stored `kind` analysis of the checkpoint the request's :id, :phase and :epoch (and ?reference=) name,
 * computed first (that kind only) when missing. Throws EPOCH_NOT_FOUND for a non-checkpoint or a comparing kind
 * with nothing to compare with. Aborting the request abandons a computation still waiting for a slot.
 * `settings` picks one; without it the answer is the paper's settings when stored, else the live estimate
 * (computed when missing): `key.settings` says which.
 */
export async function storedAnalysis<K extends AnalysisKind>(
  store: Store,
  analyze: AnalyzeCheckpoint,
  req: HonoRequest,
  kind: K,
  settings?: AnalysisSettingsName,
): Promise<{ key: AnalysisKey; result: AnalysisResults[K] }> {
  return resolveStored(store, analyze, req, kind, settings, (key) => store.getAnalysis(kind, key));
}

/** `storedAnalysis` as the JSON text stored: a 0.8 MB network abstraction is passed on without a parse and a re-serialisation. */
function storedAnalysisJson(
  store: Store,
  analyze: AnalyzeCheckpoint,
  req: HonoRequest,
  kind: AnalysisKind,
  settings?: AnalysisSettingsName,
): Promise<{ key: AnalysisKey; result: string }> {
  return resolveStored(store, analyze, req, kind, settings, (key) => store.getAnalysisJson(kind, key));
}

async function resolveStored<R>(
  store: Store,
  analyze: AnalyzeCheckpoint,
  req: HonoRequest,
  kind: AnalysisKind,
  settings: AnalysisSettingsName | undefined,
  read: (key: AnalysisKey) => Promise<R | null>,
): Promise<{ key: AnalysisKey; result: R }> {
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
  const paperKey = settings === undefined ? analysisKey(kind, runId, epochs, at, reference, 'paper') : null;
  const best = paperKey && paperKey.settings === 'paper' && (await store.hasAnalysis(kind, paperKey)) ? 'paper' : 'live';
  const key = analysisKey(kind, runId, epochs, at, reference, settings ?? best);
  if (!key) {
    throw new TransferscopeError(
      'EPOCH_NOT_FOUND',
      `Epoch ${epoch} of phase '${phase}' in run '${runId}' has no earlier source checkpoint to compare with; pick a later checkpoint.`,
    );
  }
  let result = await read(key);
  if (result === null) {
    // The browser aborts the request when the view scrubbed on; a child still waiting for a slot then leaves.
    const computeAt = key.settings === 'paper' ? { settings: key.settings } : {};
    await analyze({ runId, phase, epoch }, { kinds: [kind], signal: req.raw.signal, ...(reference ? { reference } : {}), ...computeAt });
    result = await read(key);
  }
  if (result === null) {
    throw new TransferscopeError(
      'INTERNAL',
      `The ${storedKindName(kind, key.settings)} analysis of ${phase} epoch ${epoch} of run '${runId}' finished but stored nothing.`,
    );
  }
  return { key, result };
}

/**
 * The `AnalysisResponse` text for a stored result's JSON text. Other kinds' stored text is what JSON.stringify made of
 * the result, so it is spliced in as it is; a projection is sent without its model's weights and PNG (workers' business).
 */
function responseJson(kind: AnalysisKind, key: AnalysisKey, settings: AnalysisSettingsName, storedJson: string): string {
  const result: ServedResults[AnalysisKind] | null = kind === 'projection' ? projectionView(JSON.parse(storedJson) as AnalysisResults['projection']) : null;
  const head: Omit<AnalysisResponse, 'result'> = { kind, key, settings } as Omit<AnalysisResponse, 'result'>;
  return `${JSON.stringify(head).slice(0, -1)},"result":${result === null ? storedJson : JSON.stringify(result)}}`;
}

/** Thrown by `refuseToCompute` in place of computing a missing analysis. */
const NOT_STORED = new Error('analysis not stored yet');
const refuseToCompute: AnalyzeCheckpoint = () => Promise.reject(NOT_STORED);
