/**
 * A table (column names + rows) as CSV, JSON lines or Parquet. Parquet goes through
 * hyparquet-writer (pure JS, Snappy): nullable columns typed from their values — DOUBLE for
 * numbers, INT64 for counters by name (tick, seed, *_index, fills …), BOOLEAN, else STRING — the
 * same rules as the dashboard's Parquet downloads, so files from either read alike.
 */
import { writeFileSync } from 'node:fs';
import { parquetWriteBuffer } from 'hyparquet-writer';

type Cell = number | string | boolean | null;

export type TableFormat = 'csv' | 'jsonl' | 'parquet';
export const TABLE_FORMATS: readonly TableFormat[] = ['csv', 'jsonl', 'parquet'];

const INTEGER_NAME = /^(tick|ticks|step|steps|seed|index|count|fills|run_index|agents)$|_(tick|ticks|count|index|fills)$/i;

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' && !Number.isFinite(v)) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [columns.map(csvCell).join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\n') + '\n';
}

export function toJsonLines(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return rows.map((r) => JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, r[i] ?? null])))).join('\n') + (rows.length ? '\n' : '');
}

function normalise(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}

export function toParquet(columns: readonly string[], rows: readonly (readonly unknown[])[]): Uint8Array {
  const columnData = columns.map((name, c) => {
    const values = rows.map((r) => normalise(r[c]));
    const present = values.filter((v) => v !== null);
    let type: 'DOUBLE' | 'INT64' | 'BOOLEAN' | 'STRING' = 'STRING';
    if (present.length > 0 && present.every((v) => typeof v === 'number')) type = INTEGER_NAME.test(name) && present.every((v) => Number.isSafeInteger(v)) ? 'INT64' : 'DOUBLE';
    else if (present.length > 0 && present.every((v) => typeof v === 'boolean')) type = 'BOOLEAN';
    const data = values.map((v) => (v === null ? null : type === 'INT64' ? BigInt(v as number) : type === 'STRING' ? String(v) : v));
    return { name, type, nullable: true, data };
  });
  return new Uint8Array(parquetWriteBuffer({ columnData, createdBy: 'CrowdAlpha CLI' }));
}

export function writeTable(file: string, format: TableFormat, columns: readonly string[], rows: readonly (readonly unknown[])[]): void {
  if (format === 'csv') writeFileSync(file, toCsv(columns, rows));
  else if (format === 'jsonl') writeFileSync(file, toJsonLines(columns, rows));
  else writeFileSync(file, toParquet(columns, rows));
}
