import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'crowdalpha-cli-'));

describe('crowdalpha run', () => {
  it('prints a JSON summary of the run', async () => {
    const r = await cli('run', '--ticks', '300', '--seed', '5', '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.ticks).toBe(300);
    expect(s.seed).toBe(5);
    expect(s.fills).toBeGreaterThan(0);
    expect(s.start_mid).toBeGreaterThan(0);
    expect(typeof s.final_regime).toBe('string');
  });

  it('writes byte-identical event files for the same seed', async () => {
    const a = path.join(dir, 'a.jsonl');
    const b = path.join(dir, 'b.jsonl');
    await cli('run', '--ticks', '200', '--seed', '9', '--out', a);
    await cli('run', '--ticks', '200', '--seed', '9', '--out', b);
    const text = readFileSync(a, 'utf8');
    expect(text.length).toBeGreaterThan(1000);
    expect(readFileSync(b, 'utf8')).toBe(text);
    const first = JSON.parse(text.split('\n')[0] as string);
    expect(first.schema_version).toBe(1);
  });

  it('keeps only the --events types in --out, the same events as the full file', async () => {
    const all = path.join(dir, 'all.jsonl');
    const some = path.join(dir, 'some.jsonl');
    await cli('run', '--ticks', '150', '--seed', '3', '--out', all);
    const r = await cli('run', '--ticks', '150', '--seed', '3', '--out', some, '--events', 'TICK,ORDER_FILLED');
    expect(r.code, r.stderr).toBe(0);
    const lines = (f: string) => readFileSync(f, 'utf8').trim().split('\n');
    const kept = lines(all).filter((l) => ['TICK', 'ORDER_FILLED'].includes(JSON.parse(l).type));
    expect(kept.length).toBeGreaterThan(150);
    expect(lines(some)).toEqual(kept);
    const bad = await cli('run', '--ticks', '5', '--out', some, '--events', 'TICK,FILL');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown event type "FILL"; known: ');
  });

  it('writes columnar ticks, fills and agents tables that match the event file (CSV and Parquet)', async () => {
    const ev = path.join(dir, 'ev.jsonl');
    const csvDir = path.join(dir, 'tables-csv');
    const pqDir = path.join(dir, 'tables-pq');
    expect((await cli('run', '--ticks', '120', '--seed', '4', '--out', ev, '--events', 'TICK,ORDER_FILLED', '--tables', csvDir, '--agent-every', '20')).code).toBe(0);
    expect((await cli('run', '--ticks', '120', '--seed', '4', '--tables', pqDir, '--table-format', 'parquet', '--agent-every', '20')).code).toBe(0);
    const events = readFileSync(ev, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const fills = events.filter((e) => e.type === 'ORDER_FILLED').map((e) => e.payload);
    const ticks = events.filter((e) => e.type === 'TICK').map((e) => e.payload);
    const csv = (name: string) => readFileSync(path.join(csvDir, `${name}.csv`), 'utf8').trim().split('\n').map((l) => l.split(','));
    const [tickHead, ...tickRows] = csv('ticks');
    expect(tickHead).toEqual(['tick', 'mid', 'spread', 'vwap', 'volatility', 'regime', 'lfi', 'crowding']);
    expect(tickRows.map((r) => [Number(r[0]), Number(r[1])])).toEqual(ticks.map((t) => [t.tick, t.mid_price]));
    const [, ...fillRows] = csv('fills');
    expect(fillRows.map((r) => [Number(r[0]), Number(r[2]), Number(r[3]), r[4]])).toEqual(fills.map((f) => [f.tick, f.price, f.qty, f.buy_agent_id]));
    const [, ...agentRows] = csv('agents');
    expect(new Set(agentRows.map((r) => Number(r[0])))).toEqual(new Set([20, 40, 60, 80, 100, 120]));
    const { parquetReadObjects } = await import('hyparquet');
    const buf = readFileSync(path.join(pqDir, 'fills.parquet'));
    const pq = await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) });
    expect(pq.map((r) => [Number(r['tick']), r['price'], r['buy_agent_id']])).toEqual(fills.map((f) => [f.tick, f.price, f.buy_agent_id]));
  });

  it('honours population flags', async () => {
    const out = path.join(dir, 'pop.jsonl');
    await cli('run', '--ticks', '5', '--momentum', '1', '--mean-reversion', '0', '--market-makers', '1', '--out', out);
    const ids = (f: string) =>
      readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.type === 'TICK')[0].payload.agent_stats.map((s: { agent_id: string }) => s.agent_id).sort();
    // The counts change the strategies; the background market stays.
    expect(ids(out)).toEqual(['bg_noise', 'bg_value', 'lmm_1', 'lmm_2', 'mm_1', 'mom_1']);
    await cli('run', '--ticks', '5', '--population', 'seed', '--momentum', '1', '--mean-reversion', '0', '--market-makers', '1', '--out', out);
    expect(ids(out)).toEqual(['mm_1', 'mom_1']);
    const file = path.join(dir, 'seed.json');
    writeFileSync(file, JSON.stringify({ population: 'seed' }));
    await cli('run', '--ticks', '5', '--config', file, '--momentum', '2', '--out', out);
    expect(ids(out)).toEqual(['mm_1', 'mm_2', 'mom_1', 'mom_2', 'rev_1', 'rev_2', 'rev_3']);
  });

  it('writes a research report with stylized facts and their criteria', async () => {
    const report = path.join(dir, 'report.json');
    const r = await cli('run', '--ticks', '600', '--seed', '3', '--report', report);
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(report, 'utf8'));
    expect(doc.summary.ticks).toBe(600);
    expect(doc.stylized_facts.n).toBe(599);
    for (const k of ['heavy_tails', 'no_linear_predictability', 'volatility_clustering', 'aggregational_gaussianity']) {
      expect(typeof doc.stylized_facts.facts[k].pass).toBe('boolean');
      expect(doc.stylized_facts.facts[k].criterion.length).toBeGreaterThan(10);
    }
    expect(doc.leaderboard).toHaveLength(12);
    for (const k of ['lag1_autocorrelation', 'variance_ratio', 'tail_index', 'book_depth', 'two_sided_book', 'spread']) {
      expect(typeof doc.stylized_facts.facts[k].pass).toBe('boolean');
    }
  });

  it('runs through the committed bin shim that npm links as `crowdalpha`', async () => {
    const shim = fileURLToPath(new URL('../bin/crowdalpha.js', import.meta.url));
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'));
    expect(pkg.bin.crowdalpha).toBe('./bin/crowdalpha.js');
    const { stdout } = await promisify(execFile)(process.execPath, [shim, 'run', '--ticks', '20', '--json']);
    expect(JSON.parse(stdout).ticks).toBe(20);
  });

  it('refuses a non-numeric tick count with a clear message', async () => {
    const r = await cli('run', '--ticks', 'lots');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--ticks must be a whole number from 1');
  });

  it('refuses an unknown config key from --config naming the path', async () => {
    const cfg = path.join(dir, 'bad.json');
    writeFileSync(cfg, JSON.stringify({ crowding: { kapa: 1 } }));
    const r = await cli('run', '--ticks', '5', '--config', cfg);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('config.crowding.kapa: unknown key');
  });
});
