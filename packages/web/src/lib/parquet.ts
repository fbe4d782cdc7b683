/**
 * Table (column names + rows, the same shape `toCsv` takes) → a Parquet file, written in the
 * browser by hyparquet-writer (pure JS, Snappy built in). The writer is imported on first use so it
 * stays out of the main bundle: only a click on "Download Parquet" loads it.
 */

export type ParquetColumnType = 'DOUBLE' | 'INT64' | 'STRING' | 'BOOLEAN';

export interface ParquetOptions {
  /** Column types the caller knows; columns not listed are inferred from their values. */
  types?: Readonly<Record<string, ParquetColumnType>>;
}

/** Integral counters and indices by name: the x axis of a run's series, seeds, counts. */
const INTEGER_NAME = /^(tick|ticks|step|steps|seed|index|count|fills)$|_(tick|ticks|count|index)$/i;

type Cell = number | string | boolean | null;

/**
 * Missing values (null, undefined, NaN, ±Infinity) become Parquet nulls, exactly the cells that
 * `toCsv` leaves empty, so both downloads of a table hold the same data.
 */
function normalise(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  return String(v);
}

/**
 * A column's type from its values: all numbers → DOUBLE, or INT64 when the name says it counts
 * (tick, seed, *_count) and every value is a safe integer; all booleans → BOOLEAN; anything else
 * (strings, mixtures) → STRING. A column with no values at all is STRING, the type any value fits.
 */
export function inferParquetType(name: string, values: readonly Cell[]): ParquetColumnType {
  const present = values.filter((v): v is number | string | boolean => v !== null);
  if (present.length === 0) return 'STRING';
  if (present.every((v) => typeof v === 'number')) {
    return INTEGER_NAME.test(name) && present.every((v) => Number.isSafeInteger(v)) ? 'INT64' : 'DOUBLE';
  }
  if (present.every((v) => typeof v === 'boolean')) return 'BOOLEAN';
  return 'STRING';
}

function columnValues(name: string, type: ParquetColumnType, values: readonly Cell[]): (Cell | bigint)[] {
  return values.map((v, row) => {
    if (v === null) return null;
    switch (type) {
      case 'STRING':
        return String(v);
      case 'BOOLEAN':
        if (typeof v !== 'boolean') throw new TypeError(`Parquet column "${name}" is BOOLEAN but row ${row} holds ${JSON.stringify(v)}; give it type STRING or pass true/false`);
        return v;
      case 'INT64':
        if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new TypeError(`Parquet column "${name}" is INT64 but row ${row} holds ${JSON.stringify(v)}; give it type DOUBLE or pass whole numbers`);
        return BigInt(v);
      case 'DOUBLE':
        if (typeof v !== 'number') throw new TypeError(`Parquet column "${name}" is DOUBLE but row ${row} holds ${JSON.stringify(v)}; give it type STRING or pass numbers`);
        return v;
    }
  });
}

/** Rows → Parquet bytes: one OPTIONAL (nullable) column per name, Snappy-compressed. */
export async function toParquet(columns: readonly string[], rows: readonly (readonly unknown[])[], options: ParquetOptions = {}): Promise<Uint8Array<ArrayBuffer>> {
  if (new Set(columns).size !== columns.length) throw new Error(`Parquet column names must be unique, got ${columns.join(', ')}`);
  const { parquetWriteBuffer } = await import('./parquet-writer.js');
  const columnData = columns.map((name, c) => {
    const values = rows.map((r) => normalise(r[c]));
    const type = options.types?.[name] ?? inferParquetType(name, values);
    return { name, type, nullable: true, data: columnValues(name, type, values) };
  });
  return new Uint8Array(parquetWriteBuffer({ columnData, createdBy: 'CrowdAlpha dashboard' }));
}
