// Conversions between protocol records and LanceDB rows, kept apart from the I/O in store.ts.
import type { EpochRecord, Phase, RunMeta, RunSummary, EpochRef } from '../core/protocol.ts';
import type { ColumnValues } from './arrow-columns.ts';

/** Columns of the `epochs` table for `records` of one run. */
export function epochColumns(runId: string, records: EpochRecord[]): Record<string, ColumnValues> {
  return {
    run_id: records.map(() => runId),
    phase: records.map((r) => r.phase),
    epoch: records.map((r) => r.epoch),
    step: records.map((r) => r.step),
    loss: records.map((r) => r.loss),
    acc_source_train: records.map((r) => r.accSourceTrain),
    acc_target_train: records.map((r) => r.accTargetTrain),
    acc_source_validation: records.map((r) => r.accSourceValidation),
    acc_target_validation: records.map((r) => r.accTargetValidation),
    train_seconds: records.map((r) => r.trainSeconds),
    train_images_per_second: records.map((r) => r.trainImagesPerSecond),
    checkpoint: records.map((r) => r.checkpoint),
    committed_at: records.map((r) => r.committedAt),
  };
}

/** An `epochs` row (as LanceDB's toArray returns it) as a protocol record. */
export function epochFromRow(row: Record<string, unknown>): EpochRecord {
  return {
    phase: row.phase as Phase,
    epoch: Number(row.epoch),
    step: Number(row.step),
    loss: Number(row.loss),
    accSourceTrain: Number(row.acc_source_train),
    accTargetTrain: Number(row.acc_target_train),
    accSourceValidation: Number(row.acc_source_validation),
    accTargetValidation: Number(row.acc_target_validation),
    trainSeconds: Number(row.train_seconds),
    trainImagesPerSecond: Number(row.train_images_per_second),
    checkpoint: Boolean(row.checkpoint),
    committedAt: Number(row.committed_at),
  };
}

export function summaryFromMeta(meta: RunMeta, lastEpoch: EpochRef | null): RunSummary {
  return {
    id: meta.id,
    status: meta.status,
    configName: meta.configName,
    backend: meta.backend,
    createdAt: meta.createdAt,
    updatedAt: meta.updatedAt,
    lastEpoch,
  };
}
