// Arrow schemas of the tables that let a killed run be detected and resumed: the trainers' heartbeats and
// the optimiser state stored with checkpoints.
import { arrow } from './arrow.ts';

const { Field, Float32, Float64, Int32, List, Schema, Utf8 } = arrow;

/** One row per run whose trainer has beaten at least once, updated in place (a new table version per beat). */
export const heartbeatsSchema = new Schema([
  new Field('run_id', new Utf8(), false),
  new Field('beat_at', new Float64(), false),
  /** The interval the trainer promised; readers judge staleness by it, so they need no configuration. */
  new Field('interval_ms', new Float64(), false),
]);

/**
 * Adam's state at a checkpoint, one row per moment tensor: `group` is the learning-rate group (in the
 * optimiser's group order), `slot` the tensor's place in it (every variable's first moment, then every
 * second moment, in the group's variable order). Written before the checkpoint's `epochs` row.
 */
export const optimizerStatesSchema = new Schema([
  new Field('run_id', new Utf8(), false),
  new Field('phase', new Utf8(), false),
  new Field('epoch', new Int32(), false),
  new Field('step', new Int32(), false),
  new Field('group', new Int32(), false),
  new Field('iterations', new Int32(), false),
  new Field('slot', new Int32(), false),
  new Field('shape', new List(new Field('item', new Int32(), false)), false),
  new Field('values', new List(new Field('item', new Float32(), false)), false),
]);

/** Adam's state of one learning-rate group: its step count and its moments (first moments, then second). */
export interface OptimizerGroupState {
  iterations: number;
  moments: { shape: number[]; values: Float32Array }[];
}

/** Every learning-rate group of a phase's optimiser, in group order. */
export type OptimizerState = OptimizerGroupState[];
