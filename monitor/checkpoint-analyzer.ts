// Runs every missing analysis of one checkpoint in a child `transferscope analyze` process: the tensor
// work takes tens of seconds, which in the server's own event loop would freeze the API and live updates.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Phase } from '../core/protocol.ts';
import { ANALYSIS_KINDS, type AnalysisKind } from '../core/analysis-protocol.ts';
import { withNeeds, type ChosenReference } from '../core/analysis-keys.ts';
import { TransferscopeError } from '../core/errors.ts';
import { makeConcurrencyLimit, type Slot } from './concurrency-limit.ts';
import { makeSharedRequests } from '../core/shared-requests.ts';
import { childEnv, type StoreLocation } from '../store/storage-options.ts';

export interface CheckpointRef {
  runId: string;
  phase: Phase;
  epoch: number;
}

export interface AnalyzeOptions {
  /** Only these kinds (default: all). A request names its kind, so a few-second instance layout never waits for a minute-long network abstraction. */
  kinds?: readonly AnalysisKind[];
  /** The HTTP request's signal, aborted when the browser gives up on it: withdraws the call (see the analyzer). */
  signal?: AbortSignal;
  /** Called as each kind is stored (or turns out to have nothing to compute), for progress reports. */
  onReady?: (kind: AnalysisKind) => void;
  /** The comparing kinds' reference instead of the default one (`analyze --reference`). */
  reference?: ChosenReference;
}

/** Resolves once every kind of analysis of the checkpoint (or only `options.kinds`) is stored, or rejects with why not. */
export type AnalyzeCheckpoint = (checkpoint: CheckpointRef, options?: AnalyzeOptions) => Promise<void>;

const CLI = fileURLToPath(new URL('../bin/transferscope.js', import.meta.url));

/**
 * At most this many analysis children run at once; the rest wait in order. Scrubbing fast through checkpoints
 * that were never analysed asks for several kinds at each, and unbounded children (each a minute of tensor
 * work) starved the API itself: the dashboard-latency bench timed out on a confusion table. Two, not one, so
 * a view's cheap request is not always stuck behind the background queue's minute-long network abstraction.
 */
export const MAX_ANALYSIS_CHILDREN = 2;

/** An AnalyzeCheckpoint whose children can be stopped when the monitor shuts down. */
export interface ChildProcessAnalyzer extends AnalyzeCheckpoint {
  /**
   * Kills the running children and waits for them to exit; waiting and later calls reject. A killed child
   * leaves nothing half-stored (a LanceDB write is one commit), and the next request computes it again.
   */
  close(): Promise<void>;
}

/** The line a child prints on stdout when a kind of a checkpoint is stored (or has nothing to compute): kind, phase, epoch. */
export const READY_LINE = /^transferscope: ready (\w+) (\w+) (\d+)$/;

/**
 * Children stopped (SIGSTOP) for a more urgent one, across analyzers. A stopped child never exits by itself, so
 * when this process ends without `close()` (an uncaught error, `process.exit`) they are continued and terminated
 * on the way out. Only a SIGKILL of the monitor skips this; in a terminal the kernel then hangs up the orphaned
 * process group, elsewhere the stopped child stays until killed (it holds memory, never a half-written result).
 */
const stoppedChildren = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of stoppedChildren) {
    child.kill('SIGTERM');
    child.kill('SIGCONT');
  }
});

/** A child in flight: which kinds it computes and which of them are stored so far. */
interface ChildProgress {
  kinds: readonly AnalysisKind[];
  ready: Set<AnalysisKind>;
  onReady: Set<() => void>;
}

/**
 * An AnalyzeCheckpoint that spawns `transferscope analyze` against the store at `db` (a URI, or a URI with the
 * explicit storage options, which reach the children through their environment).
 *
 * Concurrent calls never compute one analysis twice: a call whose kinds a child in flight for the same
 * checkpoint computes (the background queue's child computes all of them) joins that child and resolves as
 * soon as the child reports its kinds stored, so the instance view does not wait for the network stage that
 * follows. Otherwise the call gets a child of its own.
 *
 * When every caller of a waiting child has withdrawn (the user scrubbed past the checkpoint), it leaves the
 * line, so the checkpoint now on screen does not wait behind abandoned ones. A child that already started is
 * left to finish: its result is stored and reused, and killing it would throw away up to a minute of work.
 *
 * Children wait in line by kind (network, instances, features: see ANALYSIS_KINDS). When every slot is held and
 * a more urgent kind arrives, the least urgent running child is paused (SIGSTOP) and continues once a slot is
 * free: with the demo's one slot, a new checkpoint's network abstraction no longer waits for an older
 * checkpoint's features.
 */
export function makeChildProcessAnalyzer(db: string | StoreLocation, maxChildren = MAX_ANALYSIS_CHILDREN): ChildProcessAnalyzer {
  const location: StoreLocation = typeof db === 'string' ? { uri: db } : db;
  const limit = makeConcurrencyLimit(maxChildren);
  const shared = makeSharedRequests<void>();
  const inFlight = new Map<string, ChildProgress>();
  const children = new Map<ChildProcess, Promise<void>>();
  let closed = false;

  const spawnAnalyze = (at: CheckpointRef, options: AnalyzeOptions, progress: ChildProgress, slot: Slot) => new Promise<void>((resolve, reject) => {
    if (closed) {
      reject(new TransferscopeError('INTERNAL', `The monitor is shutting down; ${at.phase} epoch ${at.epoch} of run '${at.runId}' was not analysed.`));
      return;
    }
    const only = [
      ...(options.kinds ? ['--kind', options.kinds.join(',')] : []),
      ...(options.reference ? ['--reference', `${options.reference.phase}:${options.reference.epoch}`] : []),
    ];
    const child = spawn(process.execPath, [CLI, 'analyze', '--db', location.uri, '--run', at.runId, '--phase', at.phase, '--epoch', String(at.epoch), ...only],
      { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(location) });
    if (process.platform !== 'win32') {
      // A stopped child keeps its memory and its work; Windows has no SIGSTOP, so there the line only waits.
      slot.pausable({
        pause: () => {
          child.kill('SIGSTOP');
          stoppedChildren.add(child);
        },
        resume: () => {
          child.kill('SIGCONT');
          stoppedChildren.delete(child);
        },
      });
    }
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      // Only the last line is reported; keep a bounded tail.
      stderr = (stderr + chunk).slice(-16_384);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [, kind, phase, epoch] = READY_LINE.exec(line) ?? [];
      if (kind && phase === at.phase && Number(epoch) === at.epoch) {
        progress.ready.add(kind as AnalysisKind);
        progress.onReady.forEach((notify) => notify());
      }
    });
    children.set(child, new Promise((exited) => child.once('close', () => exited())));
    child.once('error', reject);
    child.once('close', (code) => {
      children.delete(child);
      stoppedChildren.delete(child);
      if (code === 0) {
        resolve();
      } else {
        const last = stderr.trim().split('\n').at(-1) || `exit code ${code}`;
        reject(new TransferscopeError('INTERNAL', `Analysing ${at.phase} epoch ${at.epoch} of run '${at.runId}' failed: ${last}`));
      }
    });
  });

  /** Resolves when every `wanted` kind is ready; reports each newly ready wanted kind to `onReady` meanwhile. */
  const readyAll = (progress: ChildProgress, wanted: readonly AnalysisKind[], onReady?: (kind: AnalysisKind) => void) => new Promise<void>((resolve) => {
    const reported = new Set<AnalysisKind>();
    const check = (): void => {
      for (const kind of wanted.filter((k) => progress.ready.has(k) && !reported.has(k))) {
        reported.add(kind);
        onReady?.(kind);
      }
      if (reported.size === wanted.length) {
        progress.onReady.delete(check);
        resolve();
      }
    };
    progress.onReady.add(check);
    check();
  });

  const analyze: AnalyzeCheckpoint = async (at, options = {}) => {
    // Named kinds run as one child each (a kind's needs first: features need the network abstraction), so each
    // waits in line with its own kind's priority. All kinds (none named) go to one child.
    if (!options.kinds) {
      return analyzeInOneChild(at, options);
    }
    for (const kind of withNeeds(options.kinds)) {
      await analyzeInOneChild(at, { ...options, kinds: [kind], onReady: options.kinds.includes(kind) ? options.onReady : undefined });
    }
  };

  const analyzeInOneChild: AnalyzeCheckpoint = (at, options = {}) => {
    const { kinds, signal, onReady, reference } = options;
    // Children against another reference compute other results: they never cover each other.
    const checkpoint = `${at.runId}/${at.phase}/${at.epoch}/${reference ? `${reference.phase}:${reference.epoch}` : ''}/`;
    const wanted = kinds ?? ANALYSIS_KINDS;
    // What the child will compute: a features child computes the network abstraction first.
    const computes = withNeeds(wanted);
    const covering = [...inFlight].find(([id, p]) => id.startsWith(checkpoint) && wanted.every((k) => p.kinds.includes(k)));
    const id = covering?.[0] ?? checkpoint + (kinds?.join(',') ?? '*');
    const whole = shared(id, (shareSignal) => {
      const progress: ChildProgress = { kinds: computes, ready: new Set(), onReady: new Set() };
      inFlight.set(id, progress);
      // Network abstractions first: the line runs the paper's core view of the newest checkpoint before
      // cheaper or lower kinds of any checkpoint. The priority is the most urgent wanted kind's place in
      // ANALYSIS_KINDS, not that of its needs: `analyze` runs those in a child of their own first, so a
      // features child has nothing else left to compute (ranked as network, it was never paused for instances).
      const priority = Math.min(...wanted.map((kind) => ANALYSIS_KINDS.indexOf(kind)));
      return limit((slot) => spawnAnalyze(at, { kinds, reference }, progress, slot), shareSignal, priority).finally(() => {
        if (inFlight.get(id) === progress) {
          inFlight.delete(id);
        }
      });
    }, signal);
    const progress = covering?.[1] ?? inFlight.get(id);
    if (!progress) {
      return whole; // refused at once: the signal had already aborted
    }
    // A joining call resolves when its kinds are ready: the shared child may go on to other kinds after them.
    const ready = readyAll(progress, wanted, onReady);
    return covering ? Promise.race([whole, ready]) : whole;
  };
  return Object.assign(analyze, {
    async close() {
      closed = true;
      const exits = [...children.values()];
      for (const child of children.keys()) {
        child.kill('SIGTERM');
        child.kill('SIGCONT'); // a paused child acts on the SIGTERM only once it runs again
      }
      await Promise.all(exits);
    },
  });
}
