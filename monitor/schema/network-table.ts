// Arrow schema of the `network` table: one row per computed network abstraction (paper §5.3), keyed by
// the viewed checkpoint and the source checkpoint it was compared against.
import { arrow } from './arrow.ts';

const { Field, Float64, Int32, Schema, Utf8 } = arrow;

/** `result_json` holds a NetworkAbstraction (monitor/network-protocol.ts); the other columns are the key. */
export const networkSchema = new Schema([
  new Field('run_id', new Utf8(), false),
  new Field('phase', new Utf8(), false),
  new Field('epoch', new Int32(), false),
  new Field('reference_phase', new Utf8(), false),
  new Field('reference_epoch', new Int32(), false),
  new Field('created_at', new Float64(), false),
  new Field('result_json', new Utf8(), false),
]);
