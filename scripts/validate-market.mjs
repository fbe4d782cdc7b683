#!/usr/bin/env node
// Measures the market-realism targets of issue #10 (see packages/engine/src/analytics/market-validation.ts)
// and prints every figure per seed, then each target with pass/fail. Exit code 1 when a target fails.
//
//   node scripts/validate-market.mjs                         default market, seeds 1-3, 20,000 ticks, + stress on 5 seeds
//   node scripts/validate-market.mjs --config '{"population":"seed"}' --no-stress
//   node scripts/validate-market.mjs --engine /path/to/other/packages/engine/dist   (another build's Simulation,
//        measured with this build's analysis: how the "before" column of VALIDATION.md was taken)
//   --seeds 1,2,3  --ticks 20000  --stress-seeds 1,2,3,4,5  --json out.json
import { pathToFileURL, fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const list = (s) => s.split(',').map(Number);
const seeds = list(opt('seeds', '1,2,3'));
const ticks = Number(opt('ticks', '20000'));
const config = JSON.parse(opt('config', '{}'));
const stressConfig = JSON.parse(opt('stress-config', 'null') ?? 'null');
const stressSeeds = list(opt('stress-seeds', '1,2,3,4,5'));
const ours = await import(pathToFileURL(path.join(root, 'packages/engine/dist/index.js')).href);
const engineDir = opt('engine', null);
const { Simulation } = engineDir ? await import(pathToFileURL(path.join(path.resolve(engineDir), 'index.js')).href) : ours;

const fmt = (v) => (v === null || v === undefined ? '—' : typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(3)) : String(v));
function printSeeds(title, result) {
  console.log(`\n## ${title}`);
  const rows = result.seeds.map((f) => ({
    seed: f.seed,
    'lag1': fmt(f.lag1),
    '|acf| 2-20': fmt(f.mean_abs_acf_2_20),
    'VR10': fmt(f.variance_ratio_10),
    'min acf|r| 1-20': fmt(Math.min(...f.acf_abs.slice(0, 20))),
    'acf|r| 50': fmt(f.acf_abs[49]),
    'kurt 1/10/50': [f.kurtosis_1, f.kurtosis_10, f.kurtosis_50].map(fmt).join(' / '),
    'Hill 5%': fmt(f.hill_top5),
    'sign acf 1 / 41-50': `${fmt(f.sign_acf_1)} / ${fmt(f.sign_acf_41_50)}`,
    '>=3 lvls': fmt(f.depth_share),
    'empty side': fmt(f.empty_side_share),
    'med spread (ticks)': fmt(f.median_spread_ticks),
    'mid first→last (min–max)': `${fmt(f.first_mid)}→${fmt(f.last_mid)} (${fmt(f.min_mid)}–${fmt(f.max_mid)})`,
    'CALM share': fmt(f.regimes.CALM ?? 0),
    'orders mom / rev': `${f.orders_by_strategy?.momentum ?? 0} / ${f.orders_by_strategy?.mean_reversion ?? 0}`,
    'failed facts': f.failed_facts.join(',') || 'none',
  }));
  console.table(rows);
  for (const t of result.targets) console.log(`${t.pass ? 'PASS' : 'FAIL'}  ${t.name.padEnd(18)} ${fmt(t.value).padEnd(24)} ${t.criterion}`);
}

const make = (overrides) => (seed) => new Simulation({ ...overrides, seed });
const t0 = performance.now();
const main = ours.validateMarket({ seeds, ticks, make: make(config) });
printSeeds(`market ${JSON.stringify(config)} — seeds ${seeds.join(',')}, ${ticks} ticks`, main);
let stress = null;
if (!args.includes('--no-stress')) {
  const sc = stressConfig ?? { ...config, population: { ...(typeof config.population === 'object' ? config.population : config.population ? { preset: config.population } : {}), ...ours.STRESS_POPULATION } };
  stress = ours.stressMarket({ seeds: stressSeeds, ticks, make: make(sc) });
  printSeeds(`stress ${JSON.stringify(sc)} — seeds ${stressSeeds.join(',')}`, stress);
}
console.log(`\n${((performance.now() - t0) / 1000).toFixed(1)} s`);
const out = opt('json', null);
if (out) writeFileSync(out, JSON.stringify({ config, ticks, main, stress }, null, 2));
process.exit(main.pass && (stress?.pass ?? true) ? 0 : 1);
