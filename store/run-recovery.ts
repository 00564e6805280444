// What lets a killed run be told apart from a running one and resumed: the trainers' heartbeats, the optimiser
// state stored with checkpoints, and the cleanup of rows a killed commit left without their `epochs` row.
// `Store` owns one of these (`store.recovery`) over its tables, and hands it its SQL filter builders.
import { Worker } from 'node:worker_threads';
import type * as lancedb from '@lancedb/lancedb';
import type { RunMeta } from '../core/protocol.ts';
import { assertRunId } from '../core/params.ts';
import { makeVersionedReads } from './versioned-reads.ts';
import { TransferscopeError } from '../core/errors.ts';
import { DEFAULT_HEARTBEAT_MS, type Heartbeat } from '../core/run-status.ts';
import { makeRecordTable, listRow } from './arrow-columns.ts';
import type { EpochKey, TableName } from './schema/tables.ts';
import { heartbeatsSchema, optimizerStatesSchema, type OptimizerState } from './schema/recovery-tables.ts';
import type { StoreLocation } from './storage-options.ts';

export interface RecoveryFilters {
  /** `run_id = '<id>'` for a validated id. */
  run(runId: string): string;
  /** The filter of one (run, phase, epoch). */
  epoch(key: EpochKey): string;
}

/**
 * A run's newest sign of life: its heartbeat or its last metadata update (every committed epoch updates it),
 * whichever is newer. Runs stored before heartbeats existed are judged by the default interval.
 */
export function lastSignOfLife(meta: Pick<RunMeta, 'updatedAt'>, beat: Heartbeat | undefined): Heartbeat {
  return { at: Math.max(beat?.at ?? 0, meta.updatedAt), intervalMs: beat?.intervalMs ?? DEFAULT_HEARTBEAT_MS };
}

const keyText = (k: EpochKey) => `${k.runId}\u0000${k.phase}\u0000${k.epoch}`;

export interface BeatingOptions {
  /** Beats between compactions of the heartbeat table; ~5 minutes at the default interval. */
  compactEvery?: number;
  /** Table versions younger than this survive a compaction, so a reader mid-query keeps the files it reads. */
  keepVersionsMs?: number;
  /** Called with a one-line reason when a beat could not be written (the next one is tried anyway). */
  onError?: (message: string) => void;
}

export interface Beating {
  /** Beats written by the worker so far (after the first one). */
  readonly beats: number;
  /** Stops beating; resolves once a beat under way is written and the worker has exited. */
  stop(): Promise<void>;
}

export class RunRecovery {
  // Every run's status derives from its heartbeat, read on each run request; a finished run's never changes.
  private readonly beatReads;

  constructor(
    private readonly location: StoreLocation,
    private readonly tables: Record<TableName, lancedb.Table>,
    private readonly filters: RecoveryFilters,
  ) {
    this.beatReads = makeVersionedReads(() => tables.heartbeats.version());
  }

  /**
   * Beats for `runId` now, then every `intervalMs` from a worker thread with its own connection, so a main thread
   * busy for seconds in tensor work still beats and only a dead (or stopped) process goes stale.
   */
  async startBeating(runId: string, intervalMs: number, options: BeatingOptions = {}): Promise<Beating> {
    await this.beat(runId, intervalMs);
    const worker = new Worker(new URL('./heartbeat-worker.js', import.meta.url), {
      workerData: {
        uri: this.location.uri,
        storageOptions: { ...this.location.storageOptions },
        where: this.filters.run(runId),
        intervalMs,
        compactEvery: options.compactEvery ?? 30,
        keepVersionsMs: options.keepVersionsMs ?? Math.max(60_000, 3 * intervalMs),
      },
    });
    let beats = 0;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const started = new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', (message: unknown) => {
        if (message === 'started') {
          resolve();
        } else if (typeof message === 'object' && message !== null && 'beats' in message) {
          beats = Number(message.beats);
        } else if (typeof message === 'object' && message !== null && 'error' in message) {
          options.onError?.(String(message.error));
        }
      });
    });
    await started;
    worker.on('error', (err: Error) => options.onError?.(err.message));
    // Training keeps the process alive; the heartbeat alone never should.
    worker.unref();
    return {
      get beats() {
        return beats;
      },
      async stop() {
        const stopped = new Promise<void>((resolve) =>
          worker.on('message', (m: unknown) => {
            if (m === 'stopped') {
              resolve();
            }
          }),
        );
        // Unreferenced, the worker would let the process exit before it answers.
        worker.ref();
        worker.postMessage('stop');
        await Promise.race([stopped, exited]);
        await worker.terminate();
      },
    };
  }

  /** Records that the trainer of `runId` is alive and will beat again within `intervalMs` (one row per run, updated in place). */
  async beat(runId: string, intervalMs: number): Promise<void> {
    assertRunId(runId);
    const at = Date.now();
    const { rowsUpdated } = await this.tables.heartbeats.update({ where: this.filters.run(runId), values: { beat_at: at, interval_ms: intervalMs } });
    if (rowsUpdated === 0) {
      await this.tables.heartbeats.add(makeRecordTable(heartbeatsSchema, { run_id: [runId], beat_at: [at], interval_ms: [intervalMs] }));
    }
  }

  /** The newest heartbeat of every run that has one, or of `runId` only. */
  async heartbeats(runId?: string): Promise<Map<string, Heartbeat>> {
    if (runId !== undefined) {
      assertRunId(runId);
    }
    return new Map(await this.beatReads.get(runId ?? '', () => this.readHeartbeats(runId)));
  }

  private async readHeartbeats(runId?: string): Promise<Map<string, Heartbeat>> {
    let query = this.tables.heartbeats.query().select(['run_id', 'beat_at', 'interval_ms']);
    if (runId !== undefined) {
      assertRunId(runId);
      query = query.where(this.filters.run(runId));
    }
    const beats = new Map<string, Heartbeat>();
    for (const row of await query.toArray()) {
      const id = String(row.run_id);
      const at = Number(row.beat_at);
      // Two first beats racing may both add a row; the newer one counts.
      if (at > (beats.get(id)?.at ?? -Infinity)) {
        beats.set(id, { at, intervalMs: Number(row.interval_ms) });
      }
    }
    return beats;
  }

  /** The newest sign of life of a run's trainer (its heartbeat, or its last metadata update). */
  async lastHeartbeat(meta: Pick<RunMeta, 'id' | 'updatedAt'>): Promise<Heartbeat> {
    return lastSignOfLife(meta, (await this.heartbeats(meta.id)).get(meta.id));
  }

  /** Adds the optimiser state of a checkpoint; part of `commitEpoch`, before the epoch's commit row. */
  async writeOptimizerState(key: EpochKey, step: number, state: OptimizerState): Promise<void> {
    const rows = state.flatMap((group, g) => group.moments.map((moment, slot) => ({ g, iterations: group.iterations, slot, moment })));
    if (rows.length === 0) {
      return;
    }
    await this.tables.optimizer_states.add(
      makeRecordTable(optimizerStatesSchema, {
        run_id: rows.map(() => key.runId),
        phase: rows.map(() => key.phase),
        epoch: rows.map(() => key.epoch),
        step: rows.map(() => step),
        group: rows.map((r) => r.g),
        iterations: rows.map((r) => r.iterations),
        slot: rows.map((r) => r.slot),
        shape: rows.map((r) => Int32Array.from(r.moment.shape)),
        values: rows.map((r) => r.moment.values),
      }),
    );
  }

  /** Deletes a run's optimiser states of steps before `step`: only the newest checkpoint's is ever resumed from. */
  async pruneOptimizerStates(runId: string, step: number): Promise<void> {
    await this.tables.optimizer_states.delete(`${this.filters.run(runId)} AND step < ${Math.trunc(step)}`);
  }

  /** The optimiser state stored with a checkpoint, groups and slots in order; null when none was stored. */
  async getOptimizerState(key: EpochKey): Promise<OptimizerState | null> {
    assertRunId(key.runId);
    const data = await this.tables.optimizer_states.query().where(this.filters.epoch(key)).select(['group', 'iterations', 'slot', 'shape', 'values']).toArrow();
    if (data.numRows === 0) {
      return null;
    }
    const int = (column: string, row: number) => Number(data.getChild(column)!.get(row));
    const rows = Array.from({ length: data.numRows }, (_, i) => i).sort((a, b) => int('group', a) - int('group', b) || int('slot', a) - int('slot', b));
    const state: OptimizerState = [];
    for (const i of rows) {
      const group = (state[int('group', i)] ??= { iterations: int('iterations', i), moments: [] });
      group.moments.push({
        shape: Array.from(listRow<Int32Array>(data.getChild('shape')!, i)),
        values: Float32Array.from(listRow<Float32Array>(data.getChild('values')!, i)),
      });
    }
    return state;
  }

  /**
   * Deletes a run's committed epochs after `step`, commit rows first (readers stop seeing those epochs at once),
   * then their bulk rows; resolves with how many epochs were removed. Only for a run no trainer is writing to.
   */
  async discardEpochsAfter(runId: string, step: number): Promise<number> {
    assertRunId(runId);
    if (!Number.isInteger(step) || step < 0) {
      throw new TransferscopeError('INVALID_ARGUMENT', `discardEpochsAfter needs a whole step number (got ${step}).`);
    }
    const filter = `${this.filters.run(runId)} AND step > ${step}`;
    const removed = await this.tables.epochs.countRows(filter);
    if (removed > 0) {
      await this.tables.epochs.delete(filter);
    }
    await this.removeUncommittedRows({ runId });
    return removed;
  }

  /**
   * Deletes predictions, weights and optimiser states of epochs without an `epochs` row (a commit killed midway),
   * of `runId` only when given, and never of the runs in `live` (their trainer may be mid-commit). Resolves with
   * the number of epochs cleaned.
   */
  async removeUncommittedRows(options: { runId?: string; live?: ReadonlySet<string> } = {}): Promise<number> {
    const runFilter = options.runId === undefined ? undefined : this.filters.run(options.runId);
    const committed = new Set((await this.epochKeys(this.tables.epochs, runFilter)).map(keyText));
    const cleaned = new Set<string>();
    for (const table of [this.tables.predictions, this.tables.weights, this.tables.optimizer_states]) {
      const stray = (await this.epochKeys(table, runFilter)).filter((k) => !committed.has(keyText(k)) && !options.live?.has(k.runId));
      if (stray.length > 0) {
        await table.delete(stray.map((k) => `(${this.filters.epoch(k)})`).join(' OR '));
        stray.forEach((k) => cleaned.add(keyText(k)));
      }
    }
    return cleaned.size;
  }

  private async epochKeys(table: lancedb.Table, filter?: string): Promise<EpochKey[]> {
    let query = table.query().select(['run_id', 'phase', 'epoch']);
    if (filter) {
      query = query.where(filter);
    }
    const keys = new Map<string, EpochKey>();
    for (const row of await query.toArray()) {
      const key: EpochKey = { runId: String(row.run_id), phase: row.phase, epoch: Number(row.epoch) };
      keys.set(keyText(key), key);
    }
    return [...keys.values()];
  }
}
