/**
 * The dashboard's Parquet download, read back with hyparquet (the reader by the writer's author):
 * values, nulls, non-ASCII text and the column types a notebook will see.
 */
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { inferParquetType, toParquet } from '../src/lib/parquet.js';
import { toCsv } from '../src/lib/format.js';

const buffer = (bytes: Uint8Array): ArrayBuffer => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

async function readBack(bytes: Uint8Array) {
  const file = buffer(bytes);
  const metadata = parquetMetadata(file);
  const types = Object.fromEntries(metadata.schema.slice(1).map((e) => [e.name, { type: e.type, converted: e.converted_type ?? null, repetition: e.repetition_type }]));
  return { rows: await parquetReadObjects({ file }), types, numRows: Number(metadata.num_rows), metadata };
}

describe('toParquet', () => {
  it('round-trips numbers, integral ticks, strings with non-ASCII text, booleans and nulls', async () => {
    const columns = ['tick', 'agent_id', 'pnl', 'note', 'active'];
    const rows = [
      [1, 'mom_1', 12.5, 'Zürich café ☕', true],
      [2, 'mr_2', -0.000125, '数据 — 𝔸lpha 🚀', false],
      [3, null, null, null, null],
      [4, 'rl_9', NaN, '', true],
      [5, 'mm_3', 1e21, 'line\nbreak, "quoted"', null],
    ];
    const bytes = await toParquet(columns, rows);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('PAR1');
    expect(new TextDecoder().decode(bytes.subarray(-4))).toBe('PAR1');
    const { rows: back, types, numRows } = await readBack(bytes);
    expect(numRows).toBe(5);
    expect(types).toEqual({
      tick: { type: 'INT64', converted: null, repetition: 'OPTIONAL' },
      agent_id: { type: 'BYTE_ARRAY', converted: 'UTF8', repetition: 'OPTIONAL' },
      pnl: { type: 'DOUBLE', converted: null, repetition: 'OPTIONAL' },
      note: { type: 'BYTE_ARRAY', converted: 'UTF8', repetition: 'OPTIONAL' },
      active: { type: 'BOOLEAN', converted: null, repetition: 'OPTIONAL' },
    });
    expect(back).toEqual([
      { tick: 1n, agent_id: 'mom_1', pnl: 12.5, note: 'Zürich café ☕', active: true },
      { tick: 2n, agent_id: 'mr_2', pnl: -0.000125, note: '数据 — 𝔸lpha 🚀', active: false },
      { tick: 3n, agent_id: null, pnl: null, note: null, active: null },
      // NaN is a missing value, as in the CSV (an empty cell); '' is a real empty string
      { tick: 4n, agent_id: 'rl_9', pnl: null, note: '', active: true },
      { tick: 5n, agent_id: 'mm_3', pnl: 1e21, note: 'line\nbreak, "quoted"', active: null },
    ]);
  });

  it('holds the same cells as the CSV of the same table', async () => {
    const columns = ['tick', 'mid', 'vwap'];
    const rows = Array.from({ length: 2500 }, (_, i) => [i, 100 + Math.sin(i / 7), i % 11 === 0 ? null : 100 + i / 1000]);
    const { rows: back, numRows, metadata } = await readBack(await toParquet(columns, rows));
    expect(numRows).toBe(2500);
    // more rows than the writer's first row group (1,000): the reader stitches the groups back
    expect(metadata.row_groups.length).toBeGreaterThan(1);
    const asRows = back.map((r) => columns.map((c) => (typeof r[c] === 'bigint' ? Number(r[c]) : r[c])));
    expect(toCsv(columns, asRows)).toBe(toCsv(columns, rows));
  });

  it('uses the caller’s types where given and writes an empty table with its schema', async () => {
    const bytes = await toParquet(['agent_id', 'fill_count', 'sharpe'], [], { types: { agent_id: 'STRING', fill_count: 'INT64', sharpe: 'DOUBLE' } });
    const { rows, types, numRows } = await readBack(bytes);
    expect(numRows).toBe(0);
    expect(rows).toEqual([]);
    expect(Object.fromEntries(Object.entries(types).map(([k, v]) => [k, v.type]))).toEqual({ agent_id: 'BYTE_ARRAY', fill_count: 'INT64', sharpe: 'DOUBLE' });
    expect(parquetSchema(parquetMetadata(buffer(bytes))).children.map((c) => c.element.name)).toEqual(['agent_id', 'fill_count', 'sharpe']);
  });

  it('writes a numeric id column given as STRING as text', async () => {
    const { rows } = await readBack(await toParquet(['seed'], [[42], [null]], { types: { seed: 'STRING' } }));
    expect(rows).toEqual([{ seed: '42' }, { seed: null }]);
  });

  it('says which column and row do not fit a declared type', async () => {
    await expect(toParquet(['fills'], [[3], [2.5]], { types: { fills: 'INT64' } })).rejects.toThrow(/column "fills" is INT64 but row 1 holds 2.5; give it type DOUBLE/);
    await expect(toParquet(['x'], [[1], ['a']], { types: { x: 'DOUBLE' } })).rejects.toThrow(/column "x" is DOUBLE but row 1 holds "a"/);
    await expect(toParquet(['a', 'a'], [])).rejects.toThrow(/must be unique/);
  });
});

describe('inferParquetType', () => {
  it('keeps INT64 for whole-number counters and DOUBLE for every other number', () => {
    expect(inferParquetType('tick', [1, 2, null])).toBe('INT64');
    expect(inferParquetType('fill_count', [0, 7])).toBe('INT64');
    expect(inferParquetType('tick', [1, 2.5])).toBe('DOUBLE');
    // a price that happens to be whole stays DOUBLE, so every download of a table has one schema
    expect(inferParquetType('mid', [100, 101])).toBe('DOUBLE');
    expect(inferParquetType('status', ['ok', null])).toBe('STRING');
    expect(inferParquetType('mixed', [1, 'a'])).toBe('STRING');
    expect(inferParquetType('flag', [true, null])).toBe('BOOLEAN');
    expect(inferParquetType('empty', [null, null])).toBe('STRING');
  });
});
