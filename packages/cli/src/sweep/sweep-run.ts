/**
 * One sweep job: a full simulation run reduced to a row of figures. Runs in a worker thread (the
 * engine is pure, so any thread will do) or inline.
 */
import { Simulation, stylizedFacts, type DeepPartial, type SimulationConfig } from '@crowdalpha/engine';
import { RunSummaryBuilder } from '../run-summary.js';

export interface SweepRow {
  [column: string]: number | string | boolean | null;
}

function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

export function runSweepJob(
  base: DeepPartial<SimulationConfig>,
  overrides: Record<string, unknown>,
  seed: number,
  ticks: number,
): SweepRow {
  const started = performance.now();
  const sim = new Simulation(deepMerge(deepMerge(base as Record<string, unknown>, overrides), { seed }) as DeepPartial<SimulationConfig>);
  const summary = new RunSummaryBuilder(seed);
  const returns: number[] = [];
  let crowdingSum = 0;
  let lfiSum = 0;
  let last: number | null = null;
  for (let t = 0; t < ticks; t++) {
    const r = sim.step();
    summary.add(r);
    crowdingSum += r.state.crowding;
    lfiSum += r.state.lfi;
    if (last !== null && last > 0) returns.push(Math.log(r.state.mid / last));
    last = r.state.mid;
  }
  const s = summary.build(performance.now() - started);
  const stats = sim.allAgentStats();
  const facts = returns.length > 10 ? stylizedFacts(returns) : null;

  return {
    seed,
    ticks,
    start_mid: s.start_mid,
    end_mid: s.end_mid,
    return_pct: s.return_pct,
    realized_vol: s.realized_vol,
    excess_kurtosis: facts?.excess_kurtosis ?? null,
    fills: s.fills,
    volume: s.volume,
    mean_crowding: ticks > 0 ? crowdingSum / ticks : null,
    mean_lfi: ticks > 0 ? lfiSum / ticks : null,
    final_regime: s.final_regime,
    total_impact_cost: stats.reduce((a, x) => a + x.impact_cost, 0),
    mean_phi: stats.length ? stats.reduce((a, x) => a + x.phi, 0) / stats.length : null,
    wall_ms: s.elapsed_ms,
  };
}
