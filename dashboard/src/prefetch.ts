// Prefetching what the views will ask for one scrubber step away, so that the next arrow key finds its answers
// in the data client's cache: which requests the neighbouring epochs need (pure), and a small bounded queue that
// runs them once the epoch on screen has its own answers, dropping them when the user moves on.
import { createEffect, on, onCleanup, untrack, type Accessor } from 'solid-js';
import type { EpochRecord } from '../../core/protocol.ts';
import type { AnalysisKind } from '../../core/analysis-protocol.ts';
import { analysisPath } from './analysis-request.ts';
import { analysedCheckpoint } from './checkpoint-analysis.ts';
import type { DataClient } from './data-client.ts';
import type { EpochPin } from './epochs.ts';
import { featureTarget } from './feature-model.ts';
import { networkTarget } from './network-model.ts';

/** One request the views would make: `key` names it (equal keys are the same request), `load` makes it. */
export interface PrefetchRequest {
  key: string;
  load: (signal: AbortSignal) => Promise<unknown>;
}

/** What one view asks for at epoch `at` of `epochs`: a checkpoint's analysis, an epoch's table, or nothing. */
export type NeededAt = (epochs: readonly EpochRecord[], at: EpochRecord) => PrefetchRequest | null;

/**
 * The requests the epochs around `at` need that `at` itself does not: for each need, walking outwards from `at`
 * in both directions, the first `radius` requests that differ from the current one (epochs sharing a
 * checkpoint share its analysis). Nearest first, alternating right and left, without duplicates.
 */
export function neighbourRequests(epochs: readonly EpochRecord[], at: EpochRecord | null, needs: readonly NeededAt[], radius = 1): PrefetchRequest[] {
  const index = at ? epochs.findIndex((e) => e.step === at.step) : -1;
  if (!at || index < 0) {
    return [];
  }
  const found: PrefetchRequest[][] = [];
  for (const need of needs) {
    const current = need(epochs, at)?.key;
    for (const direction of [1, -1]) {
      const seen = new Set<string>(current === undefined ? [] : [current]);
      let distance = 0;
      for (let i = index + direction; i >= 0 && i < epochs.length && distance < radius; i += direction) {
        const request = need(epochs, epochs[i]!);
        if (request && !seen.has(request.key)) {
          seen.add(request.key);
          (found[distance] ??= []).push(request);
          distance++;
        }
      }
    }
  }
  const keys = new Set<string>();
  return found.flat().filter((r) => !keys.has(r.key) && keys.add(r.key));
}

export interface Prefetcher {
  /**
   * Replaces what is prefetched: waits for `current` (the requests on screen, joined, not repeated, when the
   * data client shares them) and then loads `next`, at most `concurrency` at a time. Requests of the previous
   * call that neither `current` nor `next` names are aborted; a prefetch now on screen goes on.
   */
  schedule(current: readonly PrefetchRequest[], next: readonly PrefetchRequest[]): void;
  /** Aborts everything; call when the owner goes away. */
  cancel(): void;
}

const superseded = (): DOMException => new DOMException('The scrubber moved on.', 'AbortError');

/**
 * A prefetch queue. Prefetching is best effort: failures are ignored (the view's own request reports them), and
 * `concurrency` stays below the browser's six connections per host so the views' own requests are never queued
 * behind prefetches.
 */
export function createPrefetcher(concurrency = 2): Prefetcher {
  let generation = 0;
  let batch = new AbortController();
  // Requests started and not settled, by key, so a new schedule keeps the ones it still wants.
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();

  const run = (request: PrefetchRequest, controller: AbortController): Promise<void> => {
    const done = request
      .load(controller.signal)
      .then(
        () => {},
        () => {},
      )
      .finally(() => {
        if (running.get(request.key)?.controller === controller) {
          running.delete(request.key);
        }
      });
    running.set(request.key, { controller, done });
    return done;
  };

  return {
    schedule(current, next) {
      // What is now on screen is wanted too: the arrow key that lands on a prefetched epoch must not abort the
      // prefetch its views are about to join (the views' effects may run after this one), restarting the request.
      const wanted = new Set([...current, ...next].map((r) => r.key));
      for (const [key, { controller }] of running) {
        if (!wanted.has(key)) {
          controller.abort(superseded());
          running.delete(key);
        }
      }
      batch.abort(superseded());
      batch = new AbortController();
      const mine = ++generation;
      const signal = batch.signal;
      const queue = next.filter((r) => !running.has(r.key));
      const onScreen = Promise.all(current.map((r) => running.get(r.key)?.done ?? r.load(signal).catch(() => {})));
      const worker = async (): Promise<void> => {
        await onScreen;
        for (let request = queue.shift(); request && mine === generation; request = queue.shift()) {
          await run(request, new AbortController());
        }
      };
      for (let i = 0; i < concurrency; i++) {
        void worker();
      }
    },
    cancel() {
      generation++;
      batch.abort(superseded());
      for (const { controller } of running.values()) {
        controller.abort(superseded());
      }
      running.clear();
    },
  };
}

/**
 * What the dashboard's per-epoch views ask for at an epoch, in the form `neighbourRequests` takes: the statistics
 * view's confusion table, and the analyses of the network, feature and instance views (their default reference,
 * at the settings the view would ask for; a picked reference or class is the user's, not the scrubber's).
 */
export function scrubbedViewNeeds(client: DataClient, runId: string): NeededAt[] {
  const analysis =
    (kind: AnalysisKind, checkpointAt: (epochs: readonly EpochRecord[], at: EpochRecord) => EpochPin | null): NeededAt =>
    (epochs, at) => {
      const pin = checkpointAt(epochs, at);
      if (!pin) {
        return null;
      }
      // The settings the view will ask for (createCheckpointAnalysis): a checkpoint reported refined is asked
      // as ?settings=paper, so prefetching its default answer would fill a cache entry the view never reads.
      const settings = client.isRefined(kind, runId, pin) ? 'paper' : undefined;
      return { key: analysisPath(kind, runId, pin, { settings }), load: (signal) => client.analysis(kind, runId, pin, signal, null, settings) };
    };
  const anyCheckpoint = (epochs: readonly EpochRecord[], at: EpochRecord): EpochPin | null => {
    const t = networkTarget(epochs, at);
    return t.kind === 'none' ? null : t.checkpoint;
  };
  return [
    (_, at) => ({ key: `confusion/${runId}/${at.phase}/${at.epoch}`, load: (signal) => client.confusion(runId, at, signal) }),
    analysis('network', (epochs, at) => analysedCheckpoint(networkTarget(epochs, at))),
    analysis('features', (epochs, at) => analysedCheckpoint(featureTarget(epochs, at))),
    analysis('instances', anyCheckpoint),
  ];
}

/**
 * Prefetches, whenever the scrubbed epoch changes and `enabled()` holds, what the views need one step away
 * (radius: how many distinct checkpoints each way); stops with its owner.
 */
export function createScrubPrefetch(
  client: DataClient,
  runId: Accessor<string | null>,
  epochs: Accessor<readonly EpochRecord[]>,
  current: Accessor<EpochRecord | null>,
  enabled: Accessor<boolean>,
  radius = 1,
): void {
  const prefetcher = createPrefetcher();
  onCleanup(() => prefetcher.cancel());
  // A refinement reported for a neighbour changes the request its view will make, so it re-plans too.
  const refinedCount = (): number => Object.keys(client.state.refined).length;
  createEffect(
    on([runId, current, enabled, refinedCount], ([id, at, on]) => {
      if (!id || !at || !on) {
        prefetcher.schedule([], []);
        return;
      }
      const needs = scrubbedViewNeeds(client, id);
      // Epochs arriving live do not re-plan: the next scrub or epoch shown does.
      const all = untrack(epochs);
      const onScreen = needs.map((need) => need(all, at)).filter((r): r is PrefetchRequest => r !== null);
      prefetcher.schedule(onScreen, neighbourRequests(all, at, needs, radius));
    }),
  );
}
