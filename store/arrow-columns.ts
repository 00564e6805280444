// Builds Arrow record batches from typed arrays without copying them through JS number arrays,
// and reads list columns back as typed-array views (a checkpoint is ~0.5 M floats per epoch).
import { arrow } from './schema/arrow.ts';
import type { Data, DataType, Schema, Table, Vector } from 'apache-arrow';

const { Binary, Bool, Float32, Float64, Int16, Int32, List, RecordBatch, Struct, Table: ArrowTable, Utf8, makeData, vectorFromArray } = arrow;

/** A column's values: plain scalars, or one typed array (or byte string) per row for list/binary columns. */
export type ColumnValues = string[] | number[] | boolean[] | Float32Array[] | Int32Array[] | Int16Array[] | Uint8Array[];

function listOffsets(rows: ArrayLike<unknown>[]): Int32Array {
  const offsets = new Int32Array(rows.length + 1);
  for (let i = 0; i < rows.length; i++) {
    offsets[i + 1] = offsets[i]! + rows[i]!.length;
  }
  return offsets;
}

function concatTyped<T extends Float32Array | Int32Array | Int16Array | Uint8Array>(rows: T[], make: (n: number) => T): T {
  const out = make(rows.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of rows) {
    out.set(r, at);
    at += r.length;
  }
  return out;
}

function columnData(type: DataType, values: ColumnValues): Data {
  const length = values.length;
  if (type instanceof Utf8) {
    return vectorFromArray(values as string[], new Utf8()).data[0]!;
  }
  if (type instanceof Float64) {
    return makeData({ type, length, data: Float64Array.from(values as number[]) });
  }
  if (type instanceof Int32) {
    return makeData({ type, length, data: Int32Array.from(values as number[]) });
  }
  if (type instanceof Bool) {
    return vectorFromArray(values as boolean[], new Bool()).data[0]!;
  }
  if (type instanceof Binary) {
    const rows = values as Uint8Array[];
    return makeData({ type, length, valueOffsets: listOffsets(rows), data: concatTyped(rows, (n) => new Uint8Array(n)) });
  }
  if (type instanceof List) {
    const childType = type.children[0]!.type;
    let child: Data;
    if (childType instanceof Float32) {
      const rows = values as Float32Array[];
      child = makeData({ type: childType, length: rows.reduce((n, r) => n + r.length, 0), data: concatTyped(rows, (n) => new Float32Array(n)) });
    } else if (childType instanceof Int32) {
      const rows = values as Int32Array[];
      child = makeData({ type: childType, length: rows.reduce((n, r) => n + r.length, 0), data: concatTyped(rows, (n) => new Int32Array(n)) });
    } else if (childType instanceof Int16) {
      const rows = values as Int16Array[];
      child = makeData({ type: childType, length: rows.reduce((n, r) => n + r.length, 0), data: concatTyped(rows, (n) => new Int16Array(n)) });
    } else {
      throw new Error(`arrow-columns: unsupported list item type ${String(childType)}`);
    }
    return makeData({ type, length, nullCount: 0, valueOffsets: listOffsets(values as ArrayLike<unknown>[]), child });
  }
  throw new Error(`arrow-columns: unsupported column type ${String(type)}`);
}

/** One record batch holding `columns` (every schema field must be present, all of the same length). */
export function makeRecordTable(schema: Schema, columns: Record<string, ColumnValues>): Table {
  const lengths = new Set(Object.values(columns).map((c) => c.length));
  if (lengths.size !== 1) {
    throw new Error(`arrow-columns: columns have different lengths (${[...lengths].join(', ')})`);
  }
  const [length] = lengths;
  const children = schema.fields.map((field) => {
    const values = columns[field.name];
    if (values === undefined) {
      throw new Error(`arrow-columns: missing column '${field.name}'`);
    }
    return columnData(field.type, values);
  });
  const struct = new Struct(schema.fields);
  return new ArrowTable([new RecordBatch(schema, makeData({ type: struct, length: length!, nullCount: 0, children }))]);
}

/** The values of row `row` of a list column, as a view into the Arrow buffer when possible. */
export function listRow<T extends Float32Array | Int32Array | Int16Array>(column: Vector, row: number): T {
  const value = column.get(row) as Vector | null;
  if (value === null) {
    throw new Error(`arrow-columns: null list at row ${row}`);
  }
  return value.toArray() as T;
}
