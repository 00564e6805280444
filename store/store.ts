// The only way into LanceDB. Writers commit an epoch by adding its `epochs` row last, so readers,
// which only trust epochs that have that row, never see a half-written epoch.
import * as lancedb from '@lancedb/lancedb';
import type { Table as ArrowTable, Vector } from 'apache-arrow';
import { VALIDATION_SPLITS, type ValidationSplit, type EpochRecord, type EpochRef, type LayerName, type RunMeta, type RunSummary } from '../core/protocol.ts';
import { storedKindName } from '../core/analysis-settings.ts';
import { ANALYSIS_KINDS, type AnalysisKey, type AnalysisKind, type AnalysisResults } from '../core/analysis-protocol.ts';
import { NO_REFERENCE } from './schema/analysis-table.ts';
import { TransferscopeError } from '../core/errors.ts';
import { assertRunId, clip, MAX_EPOCH, parsePhase } from '../core/params.ts';
import {
  TABLE_SCHEMAS,
  type ConductanceKey,
  type EpochKey,
  type LayerWeights,
  type RunModel,
  type SplitPredictions,
  type StoredConductance,
  type StoredInstances,
  type TableName,
} from './schema/tables.ts';
import { makeRecordTable, listRow } from './arrow-columns.ts';
import { epochColumns, epochFromRow, summaryFromMeta } from './rows.ts';
import { displayUri, redactSecrets, type StorageOptions, type StoreLocation } from './storage-options.ts';
import { deriveRunStatus } from '../core/run-status.ts';
import type { OptimizerState } from './schema/recovery-tables.ts';
import { RunRecovery, lastSignOfLife } from './run-recovery.ts';
import { makeVersionedReads } from './versioned-reads.ts';
import { makeBoundedCache, type BoundedCache } from '../core/bounded-cache.ts';

// Filters are SQL text, so every value in one is a validated run id, a known name or a validated integer: a number
// written as text (1e21) or past 2^31 would otherwise reach LanceDB and fail there, echoing its internals.
const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
const runFilter = (runId: string) => {
  assertRunId(runId);
  return `run_id = ${sqlString(runId)}`;
};

function sqlInteger(value: number, name: string, min: number, max: number): string {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new TransferscopeError('INVALID_ARGUMENT', `Invalid ${name} ${String(value).slice(0, 24)}: use a whole number from ${min} to ${max}.`);
  }
  return String(value);
}

function epochFilter(k: EpochKey): string {
  return `${runFilter(k.runId)} AND phase = ${sqlString(parsePhase(k.phase))} AND epoch = ${sqlInteger(k.epoch, 'epoch', 1, MAX_EPOCH)}`;
}

function analysisFilter(kind: AnalysisKind, key: AnalysisKey): string {
  if (!(ANALYSIS_KINDS as readonly string[]).includes(kind)) {
    throw new TransferscopeError('INVALID_ARGUMENT', `Unknown analysis kind '${clip(kind)}': use ${ANALYSIS_KINDS.join(', ')}.`);
  }
  const referencePhase = key.referencePhase ?? NO_REFERENCE.phase;
  if (referencePhase !== NO_REFERENCE.phase) {
    parsePhase(referencePhase);
  }
  return (
    `${epochFilter(key)} AND kind = ${sqlString(storedKindName(kind, key.settings))} AND reference_phase = ${sqlString(referencePhase)}` +
    ` AND reference_epoch = ${sqlInteger(key.referenceEpoch ?? NO_REFERENCE.epoch, 'reference epoch', NO_REFERENCE.epoch, MAX_EPOCH)}`
  );
}

const ANALYSIS_KEY_COLUMNS = ['kind', 'phase', 'epoch', 'reference_phase', 'reference_epoch'];

/** One stored analysis row's identity within its run (kind as stored, so `network@paper` differs from `network`). */
const analysisRowId = (storedKind: string, phase: string, epoch: number, referencePhase: string, referenceEpoch: number): string =>
  JSON.stringify([storedKind, phase, epoch, referencePhase, referenceEpoch]);

function splitFilter(runId: string, split: ValidationSplit): string {
  if (!(VALIDATION_SPLITS as readonly string[]).includes(split)) {
    throw new TransferscopeError('INVALID_ARGUMENT', `Unknown split '${clip(split)}': use ${VALIDATION_SPLITS.join(' or ')}.`);
  }
  return `${runFilter(runId)} AND split = ${sqlString(split)}`;
}

const runNotFound = (id: string) => new TransferscopeError('RUN_NOT_FOUND', `No run '${id}' in this store. List runs with GET /api/runs.`);

/** Everything stored for one epoch besides its metrics row. */
export interface EpochPayload {
  record: EpochRecord;
  predictions: SplitPredictions[];
  /** Present at checkpoints: every layer's weights. */
  weights?: LayerWeights[];
  /** Present at checkpoints a resume can continue their phase from: the optimiser's state after this epoch. */
  optimizerState?: OptimizerState;
}

export interface OpenOptions {
  /** Object-store options for a remote URI (credentials, endpoint); see store/storage-options.ts. */
  storageOptions?: StorageOptions;
  /**
   * For writers (a trainer): delete the rows of epochs that never committed (a killed trainer's) of runs whose
   * trainer is not alive. Readers need not: they never read uncommitted rows.
   */
  removeUncommitted?: boolean;
  /**
   * For servers: keep up to this many bytes of committed epochs' predictions and weights in memory, keyed by the
   * epoch's commit time (a resume's re-commit is a new key). Callers then share the arrays and must not write
   * to them. 0 (the default) keeps none.
   */
  cacheBytes?: number;
}

const epochRef = (e: EpochRecord | undefined): EpochRef | null => (e ? { phase: e.phase, epoch: e.epoch, step: e.step } : null);

/** What `cacheBytes` holds: one checkpoint's weights or one epoch's predictions. */
type CommittedBulk = LayerWeights[] | Map<ValidationSplit, Int16Array>;

const bulkBytes = (bulk: CommittedBulk): number =>
  Array.isArray(bulk)
    ? bulk.reduce((sum, l) => sum + l.kernel.byteLength + l.bias.byteLength, 0)
    : [...bulk.values()].reduce((sum, p) => sum + p.byteLength, 0);

// Environment variables whose values never appear in a message about a store that failed to open.
const SECRET_ENV = /^(AWS|AZURE|GOOGLE)_.*(SECRET|TOKEN|KEY|SAS)/;

/** A store error's cause as one short line, with every known secret masked. */
function causeLine(err: unknown, storageOptions: StorageOptions): string {
  const envSecrets = Object.fromEntries(
    Object.entries(process.env)
      .filter(([name, value]) => SECRET_ENV.test(name) && value)
      .map(([name, value]) => [name.toLowerCase(), value!]),
  );
  const first = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.replace(/\s+/g, ' ');
  const line = redactSecrets(first, { ...envSecrets, ...storageOptions });
  return line.length > 240 ? `${line.slice(0, 240)}…` : line;
}

export class Store {
  /** Where the store is, safe to print: no user, password or secret query values. */
  readonly displayUri: string;
  /** Heartbeats, checkpoint optimiser states and the cleanup of uncommitted rows. */
  readonly recovery: RunRecovery;
  // Runs, epochs and labels are small and read on nearly every request; they are re-read once per table version.
  private readonly runReads;
  private readonly epochReads;
  private readonly instanceReads;
  private readonly analysisKeyReads;
  private readonly committedBulk: BoundedCache<CommittedBulk> | null;

  private constructor(
    readonly location: StoreLocation,
    private readonly db: lancedb.Connection,
    private readonly tables: Record<TableName, lancedb.Table>,
    cacheBytes: number,
  ) {
    this.displayUri = displayUri(location.uri);
    this.recovery = new RunRecovery(location, tables, { run: (id) => `run_id = ${sqlString(id)}`, epoch: epochFilter });
    this.runReads = makeVersionedReads(() => tables.runs.version());
    this.epochReads = makeVersionedReads(() => tables.epochs.version());
    this.instanceReads = makeVersionedReads(() => tables.instances.version());
    this.analysisKeyReads = makeVersionedReads(() => tables.analyses.version());
    this.committedBulk = cacheBytes > 0 ? makeBoundedCache<CommittedBulk>(cacheBytes, bulkBytes) : null;
  }

  get uri(): string {
    return this.location.uri;
  }

  /**
   * Opens (creating if needed) the store at a LanceDB URI: a folder path, or `s3://bucket/prefix`, `gs://…`,
   * `az://…` with credentials and endpoint from `storageOptions` or the variables LanceDB reads (AWS_ACCESS_KEY_ID,
   * AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT or AWS_ENDPOINT_URL, AWS_REGION, AWS_ALLOW_HTTP …).
   * Throws STORE_UNAVAILABLE, in one line without secrets, when the store cannot be reached or created.
   */
  static async open(uri: string, options: OpenOptions = {}): Promise<Store> {
    const storageOptions = options.storageOptions ?? {};
    const unavailable = (err: unknown) =>
      new TransferscopeError(
        'STORE_UNAVAILABLE',
        `Cannot open the LanceDB store at '${displayUri(uri)}' (${causeLine(err, storageOptions)}). Check --db, and for object storage the credentials and endpoint (--storage-option KEY=VALUE or the AWS_* variables).`,
      );
    let db: lancedb.Connection;
    try {
      // readConsistencyInterval 0: every read sees other processes' latest commits (a trainer in its own process).
      db = await lancedb.connect(uri, {
        readConsistencyInterval: 0,
        ...(Object.keys(storageOptions).length > 0 ? { storageOptions: { ...storageOptions } } : {}),
      });
    } catch (err) {
      throw unavailable(err);
    }
    let store: Store;
    try {
      // A remote store is first reached here: connecting to a URI only parses it.
      const entries = await Promise.all(
        (Object.keys(TABLE_SCHEMAS) as TableName[]).map(async (name) => {
          // Processes starting together on a new store (a deployment's monitors, workers and trainer) race to
          // create each table: the losers' commits conflict, and the table the winner made is opened instead.
          const table = await db
            .createEmptyTable(name, TABLE_SCHEMAS[name], { mode: 'create', existOk: true })
            .catch((err: unknown) => db.openTable(name).catch(() => Promise.reject(err as Error)));
          return [name, table] as const;
        }),
      );
      store = new Store({ uri, storageOptions }, db, Object.fromEntries(entries) as Record<TableName, lancedb.Table>, options.cacheBytes ?? 0);
    } catch (err) {
      db.close();
      throw unavailable(err);
    }
    if (options.removeUncommitted) {
      const live = (await store.listRuns()).filter((r) => r.status === 'running').map((r) => r.id);
      await store.recovery.removeUncommittedRows({ live: new Set(live) });
    }
    return store;
  }

  /** Bytes of committed predictions and weights held in memory now; never above `cacheBytes`. */
  cachedBytes(): number {
    return this.committedBulk?.size() ?? 0;
  }

  close(): void {
    for (const t of Object.values(this.tables)) {
      t.close();
    }
    this.db.close();
  }

  async runExists(id: string): Promise<boolean> {
    assertRunId(id);
    return (await this.runMetaJson()).has(id);
  }

  /** Every run's stored metadata (JSON text) by id. */
  private runMetaJson(): Promise<Map<string, string>> {
    return this.runReads.get('all', async () => {
      const rows = await this.tables.runs.query().select(['id', 'meta_json']).toArray();
      return new Map(rows.map((r) => [String(r.id), String(r.meta_json)]));
    });
  }

  /** Every committed epoch by run, each run's ordered by step. Shared: callers copy what they hand out. */
  private committedEpochs(): Promise<Map<string, EpochRecord[]>> {
    return this.epochReads.get('all', async () => {
      const byRun = new Map<string, EpochRecord[]>();
      for (const row of await this.tables.epochs.query().toArray()) {
        const runId = String(row.run_id);
        byRun.set(runId, [...(byRun.get(runId) ?? []), epochFromRow(row)]);
      }
      byRun.forEach((epochs) => epochs.sort((a, b) => a.step - b.step));
      return byRun;
    });
  }

  /** Registers a new run. Refuses (RUN_EXISTS) an id that is already stored, so nothing is overwritten. */
  async createRun(meta: RunMeta): Promise<void> {
    if (await this.runExists(meta.id)) {
      throw new TransferscopeError('RUN_EXISTS', `Run '${meta.id}' already exists in this store. Pass another --run id, or omit --run to get a new one.`);
    }
    await this.tables.runs.add(
      makeRecordTable(TABLE_SCHEMAS.runs, {
        id: [meta.id],
        status: [meta.status],
        created_at: [meta.createdAt],
        updated_at: [meta.updatedAt],
        meta_json: [JSON.stringify(meta)],
      }),
    );
  }

  /** Replaces the stored metadata of an existing run. */
  async updateRun(meta: RunMeta): Promise<void> {
    assertRunId(meta.id);
    await this.tables.runs.update({
      where: `id = ${sqlString(meta.id)}`,
      values: { status: meta.status, updated_at: meta.updatedAt, meta_json: JSON.stringify(meta) },
    });
  }

  /** Stores the model of run `runId` (once, when the run starts); a second call for the same run is refused. */
  async putRunModel(runId: string, model: RunModel): Promise<void> {
    if ((await this.tables.run_models.countRows(runFilter(runId))) > 0) {
      throw new TransferscopeError('RUN_EXISTS', `Run '${runId}' already has a stored model; a run's model is stored once.`);
    }
    await this.tables.run_models.add(
      makeRecordTable(TABLE_SCHEMAS.run_models, {
        run_id: [runId],
        topology_json: [JSON.stringify(model.topology)],
        monitored_json: [JSON.stringify({ monitoredLayers: model.monitoredLayers, representationLayer: model.representationLayer })],
      }),
    );
  }

  /** The stored model of run `runId`, or null for runs stored before models were (AlexNet runs: their config names it). */
  async getRunModel(runId: string): Promise<RunModel | null> {
    const rows = await this.tables.run_models.query().where(runFilter(runId)).limit(1).toArray();
    const row = rows[0] as { topology_json: string; monitored_json: string } | undefined;
    if (!row) {
      return null;
    }
    const monitored = JSON.parse(row.monitored_json) as Pick<RunModel, 'monitoredLayers' | 'representationLayer'>;
    return { topology: JSON.parse(row.topology_json) as Record<string, unknown>, ...monitored };
  }

  async getRun(id: string): Promise<RunMeta> {
    assertRunId(id);
    const json = (await this.runMetaJson()).get(id);
    if (json === undefined) {
      throw runNotFound(id);
    }
    const meta = JSON.parse(json) as RunMeta;
    const status = deriveRunStatus(meta.status, await this.recovery.lastHeartbeat(meta), Date.now());
    return { ...meta, status, lastEpoch: await this.lastEpoch(id) };
  }

  /** All runs, newest first, each with its last committed epoch and its status as derived from its heartbeat. */
  async listRuns(): Promise<RunSummary[]> {
    const [metas, epochs, beats] = await Promise.all([this.runMetaJson(), this.committedEpochs(), this.recovery.heartbeats()]);
    const now = Date.now();
    return [...metas.values()]
      .map((json) => JSON.parse(json) as RunMeta)
      .map((meta) => ({ ...meta, status: deriveRunStatus(meta.status, lastSignOfLife(meta, beats.get(meta.id)), now) }))
      .map((meta) => summaryFromMeta(meta, epochRef(epochs.get(meta.id)?.at(-1))))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  private async lastEpoch(id: string): Promise<EpochRef | null> {
    return epochRef((await this.committedEpochs()).get(id)?.at(-1));
  }

  /**
   * Commits one epoch: bulk rows (predictions, weights, optimiser state) first, the `epochs` row last. Leftovers of an earlier attempt at the same
   * epoch that never committed (a killed process) are deleted first.
   */
  async commitEpoch(runId: string, payload: EpochPayload): Promise<EpochRecord> {
    const key: EpochKey = { runId, phase: payload.record.phase, epoch: payload.record.epoch };
    if ((await this.tables.epochs.countRows(epochFilter(key))) > 0) {
      throw new TransferscopeError('RUN_EXISTS', `Epoch ${key.phase} ${key.epoch} of run '${runId}' is already committed; refusing to overwrite it.`);
    }
    await Promise.all([this.tables.predictions, this.tables.weights, this.tables.optimizer_states].map((t) => t.delete(epochFilter(key))));
    const base = (n: number) => ({
      run_id: Array<string>(n).fill(runId),
      phase: Array<string>(n).fill(key.phase),
      epoch: Array<number>(n).fill(key.epoch),
    });
    if (payload.weights && payload.weights.length > 0) {
      const w = payload.weights;
      await this.tables.weights.add(
        makeRecordTable(TABLE_SCHEMAS.weights, {
          ...base(w.length),
          layer: w.map((l) => l.layer),
          kernel_shape: w.map((l) => Int32Array.from(l.kernelShape)),
          kernel: w.map((l) => l.kernel),
          bias: w.map((l) => l.bias),
        }),
      );
    }
    const p = payload.predictions;
    if (p.length > 0) {
      await this.tables.predictions.add(
        makeRecordTable(TABLE_SCHEMAS.predictions, {
          ...base(p.length),
          split: p.map((x) => x.split),
          predicted: p.map((x) => x.predicted),
        }),
      );
    }
    if (payload.optimizerState) {
      await this.recovery.writeOptimizerState(key, payload.record.step, payload.optimizerState);
    }
    const record: EpochRecord = { ...payload.record, checkpoint: Boolean(payload.weights?.length), committedAt: Date.now() };
    await this.tables.epochs.add(makeRecordTable(TABLE_SCHEMAS.epochs, epochColumns(runId, [record])));
    if (record.checkpoint) {
      await this.recovery.pruneOptimizerStates(runId, record.step);
    }
    return record;
  }

  /** Every committed epoch of a run, ordered by step. Throws RUN_NOT_FOUND for an unknown run. */
  async listEpochs(runId: string): Promise<EpochRecord[]> {
    if (!(await this.runExists(runId))) {
      throw runNotFound(runId);
    }
    return ((await this.committedEpochs()).get(runId) ?? []).map((e) => ({ ...e }));
  }

  /** Epochs of any run committed after `since` (ms), for watchers in other processes. */
  async epochsCommittedAfter(since: number): Promise<{ runId: string; record: EpochRecord }[]> {
    const rows = await this.tables.epochs
      .query()
      .where(`committed_at > ${sqlInteger(Math.floor(since), 'commit time', 0, Number.MAX_SAFE_INTEGER)}`)
      .toArray();
    return rows.map((r) => ({ runId: String(r.run_id), record: epochFromRow(r) })).sort((a, b) => a.record.committedAt - b.record.committedAt);
  }

  /** The committed epoch record, or EPOCH_NOT_FOUND. */
  async getEpoch(key: EpochKey): Promise<EpochRecord> {
    // Validates the key as the SQL filter used to.
    epochFilter(key);
    const found = (await this.committedEpochs()).get(key.runId)?.find((e) => e.phase === key.phase && e.epoch === key.epoch);
    if (!found) {
      await this.getRun(key.runId);
      throw new TransferscopeError(
        'EPOCH_NOT_FOUND',
        `Run '${key.runId}' has no committed epoch ${key.epoch} in phase '${key.phase}'. Epochs start at 1; see GET /api/runs/${key.runId}/metrics.`,
      );
    }
    return { ...found };
  }

  /** Predictions of a committed epoch, keyed by validation split. */
  async getPredictions(key: EpochKey): Promise<Map<ValidationSplit, Int16Array>> {
    const record = await this.getEpoch(key);
    const read = () => this.readPredictions(key);
    if (!this.committedBulk) {
      return read();
    }
    const held = await this.committedBulk.get(`predictions/${key.runId}/${key.phase}/${key.epoch}/${record.committedAt}`, read);
    return new Map(held as Map<ValidationSplit, Int16Array>);
  }

  private async readPredictions(key: EpochKey): Promise<Map<ValidationSplit, Int16Array>> {
    const table = await this.tables.predictions.query().where(epochFilter(key)).select(['split', 'predicted']).toArrow();
    const split = table.getChild('split')!;
    const predicted = table.getChild('predicted')!;
    const out = new Map<ValidationSplit, Int16Array>();
    for (let i = 0; i < table.numRows; i++) {
      out.set(split.get(i) as ValidationSplit, Int16Array.from(listRow<Int16Array>(predicted, i)));
    }
    return out;
  }

  /**
   * Every layer's weights at a committed checkpoint, in the order they were written; only the layers in `only` when given
   * (one layer is a fraction of a checkpoint's floats, which matters for per-click reads).
   */
  async getWeights(key: EpochKey, only?: readonly LayerName[]): Promise<LayerWeights[]> {
    const record = await this.getEpoch(key);
    if (!record.checkpoint) {
      throw new TransferscopeError(
        'EPOCH_NOT_FOUND',
        `Epoch ${key.epoch} of phase '${key.phase}' in run '${key.runId}' is not a checkpoint; pick an epoch with checkpoint=true.`,
      );
    }
    if (only?.length === 0) {
      return [];
    }
    const cacheKey = `weights/${key.runId}/${key.phase}/${key.epoch}/${record.committedAt}`;
    const held = this.committedBulk?.peek(cacheKey) as LayerWeights[] | undefined;
    if (held) {
      return only ? held.filter((l) => only.includes(l.layer)) : [...held];
    }
    // A per-click read of one or two layers is not worth holding a whole checkpoint for.
    if (only || !this.committedBulk) {
      return this.readWeights(key, only);
    }
    return [...((await this.committedBulk.get(cacheKey, () => this.readWeights(key))) as LayerWeights[])];
  }

  private async readWeights(key: EpochKey, only?: readonly LayerName[]): Promise<LayerWeights[]> {
    const filter = only ? ` AND layer IN (${only.map(sqlString).join(', ')})` : '';
    const table: ArrowTable = await this.tables.weights
      .query()
      .where(epochFilter(key) + filter)
      .toArrow();
    const col = (name: string): Vector => table.getChild(name)!;
    const layers: LayerWeights[] = [];
    for (let i = 0; i < table.numRows; i++) {
      layers.push({
        layer: col('layer').get(i),
        kernelShape: Array.from(listRow<Int32Array>(col('kernel_shape'), i)),
        kernel: Float32Array.from(listRow<Float32Array>(col('kernel'), i)),
        bias: Float32Array.from(listRow<Float32Array>(col('bias'), i)),
      });
    }
    return layers;
  }

  /** Stores a run's validation instances (written once, when the run starts). */
  async putInstances(runId: string, sets: StoredInstances[]): Promise<void> {
    const columns = {
      run_id: [] as string[],
      split: [] as string[],
      index: [] as number[],
      label: [] as number[],
      height: [] as number[],
      width: [] as number[],
      pixels: [] as Uint8Array[],
    };
    for (const s of sets) {
      const size = s.height * s.width * 3;
      let stored = 0;
      for (let i = 0; i < s.labels.length; i++) {
        const hasPixels = s.pixelRows === undefined || s.pixelRows[stored] === i;
        columns.run_id.push(runId);
        columns.split.push(s.split);
        columns.index.push(i);
        columns.label.push(s.labels[i]!);
        columns.height.push(s.height);
        columns.width.push(s.width);
        columns.pixels.push(hasPixels ? s.pixels.subarray(stored * size, (stored + 1) * size) : new Uint8Array(0));
        stored += hasPixels ? 1 : 0;
      }
    }
    await this.tables.instances.add(makeRecordTable(TABLE_SCHEMAS.instances, columns));
  }

  /** A run's stored validation split (labels and 8-bit pixels), in instance order; empty when none is stored. */
  async getInstances(runId: string, split: ValidationSplit): Promise<StoredInstances> {
    const table: ArrowTable = await this.tables.instances
      .query()
      .where(splitFilter(runId, split))
      .select(['index', 'label', 'height', 'width', 'pixels'])
      .toArrow();
    const n = table.numRows;
    const height = n > 0 ? Number(table.getChild('height')!.get(0)) : 0;
    const width = n > 0 ? Number(table.getChild('width')!.get(0)) : 0;
    const size = height * width * 3;
    const labels = new Int32Array(n);
    const pixels = new Uint8Array(n * size);
    const withoutPixels: number[] = [];
    for (let r = 0; r < n; r++) {
      const i = Number(table.getChild('index')!.get(r));
      labels[i] = Number(table.getChild('label')!.get(r));
      const bytes = table.getChild('pixels')!.get(r) as Uint8Array;
      if (bytes.length === 0 && size > 0) {
        withoutPixels.push(i);
      }
      pixels.set(bytes, i * size);
    }
    return { split, labels, height, width, pixels, ...(withoutPixels.length > 0 ? { withoutPixels: Int32Array.from(withoutPixels).sort() } : {}) };
  }

  /** The stored analysis of `kind` under `key`, or null if none was stored. */
  async getAnalysis<K extends AnalysisKind>(kind: K, key: AnalysisKey): Promise<AnalysisResults[K] | null> {
    const text = await this.getAnalysisJson(kind, key);
    return text === null ? null : (JSON.parse(text) as AnalysisResults[K]);
  }

  /** The stored analysis as the JSON text it was stored as (for a server passing it on unparsed), or null. */
  async getAnalysisJson(kind: AnalysisKind, key: AnalysisKey): Promise<string | null> {
    const rows = await this.tables.analyses.query().where(analysisFilter(kind, key)).select(['result_json']).limit(1).toArray();
    return rows.length === 0 ? null : String(rows[0].result_json);
  }

  /**
   * Whether an analysis is stored under (`kind`, `key`). Answered from the run's stored keys, read once per version
   * of the analyses table: a monitor asks this on every request for a live estimate (has the paper's landed?), and
   * 50 concurrent filtered counts took 0.5-1.5 s each under load (issue 15 item 7).
   */
  async hasAnalysis(kind: AnalysisKind, key: AnalysisKey): Promise<boolean> {
    analysisFilter(kind, key); // validates the key as a query would
    const stored = await this.analysisKeyReads.get(`keys:${key.runId}`, async () => {
      const rows = await this.tables.analyses.query().where(runFilter(key.runId)).select(ANALYSIS_KEY_COLUMNS).toArray();
      return new Set(rows.map((r) => analysisRowId(String(r.kind), String(r.phase), Number(r.epoch), String(r.reference_phase), Number(r.reference_epoch))));
    });
    const referencePhase = key.referencePhase ?? NO_REFERENCE.phase;
    return stored.has(analysisRowId(storedKindName(kind, key.settings), key.phase, key.epoch, referencePhase, key.referenceEpoch ?? NO_REFERENCE.epoch));
  }

  /** Rows stored under (`kind`, `key`): 1 once computed, whichever processes raced to compute it. */
  async countAnalyses(kind: AnalysisKind, key: AnalysisKey): Promise<number> {
    return this.tables.analyses.countRows(analysisFilter(kind, key));
  }

  /** Stores `result` under (`kind`, `key`); refuses (RUN_EXISTS) if one is stored already, so nothing is overwritten. */
  async putAnalysis<K extends AnalysisKind>(kind: K, key: AnalysisKey, result: AnalysisResults[K]): Promise<void> {
    if (await this.hasAnalysis(kind, key)) {
      throw new TransferscopeError(
        'RUN_EXISTS',
        `A ${storedKindName(kind, key.settings)} analysis of run '${key.runId}' ${key.phase} epoch ${key.epoch}${key.referencePhase === null ? '' : ` against ${key.referencePhase} epoch ${key.referenceEpoch}`} is already stored; refusing to overwrite it.`,
      );
    }
    await this.tables.analyses.add(
      makeRecordTable(TABLE_SCHEMAS.analyses, {
        run_id: [key.runId],
        kind: [storedKindName(kind, key.settings)],
        phase: [key.phase],
        epoch: [key.epoch],
        reference_phase: [key.referencePhase ?? NO_REFERENCE.phase],
        reference_epoch: [key.referenceEpoch ?? NO_REFERENCE.epoch],
        created_at: [Date.now()],
        result_json: [JSON.stringify(result)],
      }),
    );
  }

  /** The conductances stored for `key` in the order they were put (the model's layer order), or null when none are. */
  async getConductances(key: ConductanceKey): Promise<StoredConductance[] | null> {
    const table: ArrowTable = await this.tables.conductances
      .query()
      .where(`${epochFilter(key)} AND setting = ${sqlString(key.setting)}`)
      .select(['layer', 'neurons', 'values'])
      .toArrow();
    const layers = new Map<LayerName, StoredConductance>();
    for (let i = 0; i < table.numRows; i++) {
      const layer = table.getChild('layer')!.get(i) as LayerName;
      // Two analysis children may both have stored the same (deterministic) numbers; either copy will do.
      if (!layers.has(layer)) {
        layers.set(layer, {
          layer,
          neurons: Number(table.getChild('neurons')!.get(i)),
          values: Float32Array.from(listRow<Float32Array>(table.getChild('values')!, i)),
        });
      }
    }
    return layers.size === 0 ? null : [...layers.values()];
  }

  /** Stores `layers` under `key` unless some are stored already (they are a cache of a deterministic computation). */
  async putConductances(key: ConductanceKey, layers: StoredConductance[]): Promise<void> {
    if (layers.length === 0 || (await this.tables.conductances.countRows(`${epochFilter(key)} AND setting = ${sqlString(key.setting)}`)) > 0) {
      return;
    }
    const n = layers.length;
    await this.tables.conductances.add(
      makeRecordTable(TABLE_SCHEMAS.conductances, {
        run_id: Array<string>(n).fill(key.runId),
        phase: Array<string>(n).fill(key.phase),
        epoch: Array<number>(n).fill(key.epoch),
        setting: Array<string>(n).fill(key.setting),
        layer: layers.map((l) => l.layer),
        neurons: layers.map((l) => l.neurons),
        values: layers.map((l) => l.values),
      }),
    );
  }

  /** Labels of a run's validation split, in instance order. */
  async getLabels(runId: string, split: ValidationSplit): Promise<Int32Array> {
    return Int32Array.from(await this.instanceReads.get(`${runId}/${split}`, () => this.readLabels(runId, split)));
  }

  private async readLabels(runId: string, split: ValidationSplit): Promise<Int32Array> {
    const rows = await this.tables.instances.query().where(splitFilter(runId, split)).select(['index', 'label']).toArray();
    const labels = new Int32Array(rows.length);
    for (const r of rows) {
      labels[Number(r.index)] = Number(r.label);
    }
    return labels;
  }
}
