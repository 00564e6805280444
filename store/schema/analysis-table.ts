// Arrow schema of the `analyses` table: one row per computed analysis of a checkpoint, keyed by its kind,
// the checkpoint and (for comparing kinds) the reference checkpoint.
import { arrow } from './arrow.ts';

const { Field, Float64, Int32, Schema, Utf8 } = arrow;

/** A reference that is absent is stored as phase '' and epoch -1 (LanceDB filters on NULL are awkward). */
export const NO_REFERENCE = { phase: '', epoch: -1 } as const;

/** `result_json` holds an AnalysisResults[kind] (core/analysis-protocol.ts); the other columns are the key. */
export const analysisSchema = new Schema([
  new Field('run_id', new Utf8(), false),
  new Field('kind', new Utf8(), false),
  new Field('phase', new Utf8(), false),
  new Field('epoch', new Int32(), false),
  new Field('reference_phase', new Utf8(), false),
  new Field('reference_epoch', new Int32(), false),
  new Field('created_at', new Float64(), false),
  new Field('result_json', new Utf8(), false),
]);
