/**
 * Markets at the edges a long run can reach: nobody trading, one agent (N - 1 = 0 in Phi), a book
 * with one side empty. Every number in every event and snapshot must stay finite.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/simulation.js';
import { Scripted } from './scripted-agent.js';

/** Paths of every non-finite number inside `value`. */
function nonFinite(value: unknown, path = '$', out: string[] = []): string[] {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) out.push(`${path}=${value}`);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) nonFinite(v, `${path}.${k}`, out);
  }
  return out;
}

function runAndCheck(sim: Simulation, ticks: number): void {
  for (let t = 0; t < ticks; t++) expect(nonFinite(sim.step().events)).toEqual([]);
  const reads = [sim.crowdingSnapshot(), sim.factorSpaceSnapshot(), sim.decaySnapshot(), sim.regimeSnapshot(), sim.fragilitySnapshot(), sim.allAgentStats(), sim.metrics()];
  for (const id of sim.agentIds()) reads.push(sim.agentDiagnostics(id));
  expect(nonFinite(reads)).toEqual([]);
}

const empty = { population: { preset: 'seed', momentum: 0, meanReversion: 0, marketMakers: 0 } };

describe('edge markets stay finite', () => {
  it('no agents at all', () => {
    const sim = new Simulation(empty);
    runAndCheck(sim, 120);
    expect(sim.latestTick()?.mid_price).toBe(100); // mid falls back to the initial price
  });

  it('one agent trading with itself (N - 1 = 0 in Phi)', () => {
    const sim = new Simulation(empty);
    sim.addAgent(new Scripted('solo', (s) => (s.tick % 2 ? [{ side: 'BID', type: 'LIMIT', price: 99, qty: 1 }, { side: 'ASK', type: 'LIMIT', price: 99, qty: 1 }] : [])));
    runAndCheck(sim, 300);
    expect(sim.agentStats('solo')?.phi).toBe(0);
    expect(sim.agentStats('solo')?.fill_count).toBeGreaterThan(100);
  });

  it('a book with bids only, hit by market sells: the mid holds its last value', () => {
    const sim = new Simulation(empty);
    sim.addAgent(new Scripted('bidder', (s) => [{ side: 'BID', type: 'LIMIT', price: 99 + (s.tick % 5) * 0.01, qty: 1 }]));
    sim.addAgent(new Scripted('seller', () => [{ side: 'ASK', type: 'MARKET', qty: 1 }]));
    runAndCheck(sim, 300);
    expect(sim.latestTick()?.spread).toBeNull();
  });
});
