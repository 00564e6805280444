// Stored network abstractions: computed once per (checkpoint, reference checkpoint), never recomputed.
// Its own `network` table in the same LanceDB URI as the Store, so the trainer's tables stay untouched.
import * as lancedb from '@lancedb/lancedb';
import type { NetworkAbstraction, NetworkKey } from '../network-protocol.ts';
import { TransferscopeError } from '../errors.ts';
import { networkSchema } from '../schema/network-table.ts';
import { makeRecordTable } from './arrow-columns.ts';
import { assertRunId } from './store.ts';

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

function keyFilter(key: NetworkKey): string {
  assertRunId(key.runId);
  for (const [name, value] of [['epoch', key.epoch], ['referenceEpoch', key.referenceEpoch]] as const) {
    if (!Number.isInteger(value)) {
      throw new TransferscopeError('INVALID_ARGUMENT', `NetworkResultStore: ${name} must be a whole number (got ${value}).`);
    }
  }
  return `run_id = ${sqlString(key.runId)} AND phase = ${sqlString(key.phase)} AND epoch = ${key.epoch}`
    + ` AND reference_phase = ${sqlString(key.referencePhase)} AND reference_epoch = ${key.referenceEpoch}`;
}

export class NetworkResultStore {
  private constructor(
    readonly uri: string,
    private readonly db: lancedb.Connection,
    private readonly table: lancedb.Table,
  ) {}

  /** Opens (creating if needed) the `network` table at a LanceDB URI, the same one `Store.open` takes. */
  static async open(uri: string): Promise<NetworkResultStore> {
    let db: lancedb.Connection;
    try {
      // As Store: every read sees other processes' latest commits.
      db = await lancedb.connect(uri, { readConsistencyInterval: 0 });
    } catch (err) {
      throw new TransferscopeError('STORE_UNAVAILABLE', `Cannot open the LanceDB store at '${uri}' (${(err as Error).message}). Check the --db path.`);
    }
    const table = await db.createEmptyTable('network', networkSchema, { mode: 'create', existOk: true });
    return new NetworkResultStore(uri, db, table);
  }

  close(): void {
    this.table.close();
    this.db.close();
  }

  /** The stored abstraction for `key`, or null if none was stored. */
  async get(key: NetworkKey): Promise<NetworkAbstraction | null> {
    const rows = await this.table.query().where(keyFilter(key)).select(['result_json']).limit(1).toArray();
    return rows.length === 0 ? null : (JSON.parse(String(rows[0].result_json)) as NetworkAbstraction);
  }

  /** Stores `result` under `key`; refuses (RUN_EXISTS) if one is already stored, so nothing is overwritten. */
  async put(key: NetworkKey, result: NetworkAbstraction): Promise<void> {
    const filter = keyFilter(key);
    if ((await this.table.countRows(filter)) > 0) {
      throw new TransferscopeError('RUN_EXISTS', `A network abstraction of run '${key.runId}' ${key.phase} ${key.epoch} against ${key.referencePhase} ${key.referenceEpoch} is already stored; refusing to overwrite it.`);
    }
    await this.table.add(makeRecordTable(networkSchema, {
      run_id: [key.runId], phase: [key.phase], epoch: [key.epoch],
      reference_phase: [key.referencePhase], reference_epoch: [key.referenceEpoch],
      created_at: [Date.now()], result_json: [JSON.stringify(result)],
    }));
  }
}
