import { describe, expect, it } from 'vitest';
import { MarketAnalytics, type TickAnalyticsInput, type TickFillInfo, type TickOrderInfo } from '../../src/analytics/market-analytics.js';
import { Diagnostics } from '../../src/analytics/diagnostics.js';
import { pca2d } from '../../src/crowding/pca.js';
import { FragilityIndex } from '../../src/analytics/fragility-index.js';
import { RegimeDetector } from '../../src/analytics/regime-detector.js';
import { resolveConfig, sharpeTicksPerYear, type DeepPartial, type SimulationConfig } from '../../src/config.js';
import { Rng } from '../../src/rng.js';
import type { BookLevel, DepthSnapshot } from '../../src/types.js';

// MarketAnalytics passes each tick to its parts as docs/MODEL.md §2 says: checked against the
// same parts driven by hand with the same inputs, plus its own rules (update cadence, multipliers
// before crowding, payload size limits, decay snapshot by estimator, checkpoints).

function book(mid: number, qty: number, levels = 6): DepthSnapshot {
  const lv = (start: number, step: number): BookLevel[] => Array.from({ length: levels }, (_, k) => ({ price: +(start + k * step).toFixed(4), qty, orders: 1 }));
  return { bids: lv(mid - 0.02, -0.01), asks: lv(mid + 0.02, 0.01), bestBid: mid - 0.02, bestAsk: mid + 0.02, mid, spread: 0.04 };
}

/** A scripted market of four agents: two crowded takers, a maker, an occasional seller. */
function script(ticks: number, seed = 3): TickAnalyticsInput[] {
  const rng = new Rng(seed);
  const out: TickAnalyticsInput[] = [];
  const pnl = [0, 0, 0, 0];
  const inv = [0, 0, 0, 0];
  let mid = 100;
  for (let t = 0; t < ticks; t++) {
    const pre = mid;
    const buy = rng.next() < 0.6;
    const q = 1 + Math.floor(rng.next() * 4);
    const orders: TickOrderInfo[] = [
      { agent: 2, side: 'BID', type: 'LIMIT', price: pre - 0.02, qty: 10 },
      { agent: 2, side: 'ASK', type: 'LIMIT', price: pre + 0.02, qty: 10 },
      { agent: 0, side: buy ? 'BID' : 'ASK', type: 'MARKET', price: null, qty: q },
      { agent: 1, side: buy ? 'BID' : 'ASK', type: 'MARKET', price: null, qty: q },
    ];
    const fills: TickFillInfo[] = [0, 1].map((a) => (buy ? { buyer: a, seller: 2, price: pre + 0.02, qty: q, aggressor: 'BID' as const } : { buyer: 2, seller: a, price: pre - 0.02, qty: q, aggressor: 'ASK' as const }));
    if (t % 7 === 3) {
      orders.push({ agent: 3, side: 'ASK', type: 'MARKET', price: null, qty: 2 });
      fills.push({ buyer: 2, seller: 3, price: pre - 0.02, qty: 2, aggressor: 'ASK' });
    }
    mid = +(pre + (buy ? 0.01 : -0.01) * (1 + (t % 3))).toFixed(4);
    for (const f of fills) {
      inv[f.buyer]! += f.qty;
      inv[f.seller]! -= f.qty;
    }
    for (let i = 0; i < 4; i++) pnl[i] = inv[i]! * (mid - 100) + rng.normal(0, 0.5) + i;
    const post = t % 11 === 5 ? { ...book(mid, 2, 3), asks: [] } : book(mid, 5 + (t % 4));
    out.push({
      tick: t,
      orders,
      fills,
      preTrade: { mid: pre, bestBid: pre - 0.02, bestAsk: pre + 0.02, depth: book(pre, 8) },
      postTrade: { mid, spread: post.asks.length ? 0.04 : null, depth: post },
      logReturn: t === 0 ? 0 : Math.log(mid / pre),
      pnl: Float64Array.from(pnl),
      inventory: Float64Array.from(inv),
      cash: Float64Array.from(pnl),
      tickSize: 0.01,
    });
  }
  return out;
}

function market(overrides: DeepPartial<SimulationConfig> = {}, options = {}): MarketAnalytics {
  const a = new MarketAnalytics(resolveConfig({ diagnostics: { window: 20, minSharpeChanges: 5 }, ...overrides }), new Rng(42), options);
  a.addAgent('mom_1', 'momentum', 0);
  a.addAgent('copy', 'momentum', 1);
  a.addAgent('mm', 'market_maker', 2);
  a.addAgent('seller', 'noise', 3);
  return a;
}

describe('MarketAnalytics feeds its parts the tick', () => {
  it('fragility, regime and diagnostics equal the same parts driven by hand', () => {
    const a = market();
    const cfg = a.config;
    const frag = new FragilityIndex(cfg.fragility);
    const reg = new RegimeDetector(cfg.regime);
    const diag = new Diagnostics({ ...cfg.diagnostics, ticksPerYear: sharpeTicksPerYear(cfg) });
    for (let i = 0; i < 4; i++) diag.addAgent(i);
    for (const tick of script(60)) {
      a.executionMultipliers(tick.orders);
      const out = a.endTick(tick);
      const l = frag.observe(tick.tick, tick.postTrade.depth, tick.postTrade.mid, tick.fills, tick.preTrade.mid, tick.tickSize);
      const depth = [...tick.postTrade.depth.bids, ...tick.postTrade.depth.asks].reduce((s, x) => s + x.qty, 0);
      const r = reg.observe({ tick: tick.tick, logReturn: tick.logReturn, lfi: l.lfi, spread: tick.postTrade.spread, depth, fillImbalance: l.fillImbalance, crowding: out.intensity });
      diag.observe(tick.fills, tick.preTrade.mid, tick.postTrade.mid, tick.pnl, tick.inventory);
      expect(out).toMatchObject({ lfi: l.lfi, lfiAlert: l.alert, lfiNearDepthRatio: l.nearDepthRatio, regime: r.regime, prevRegime: r.prevRegime, regimeChanged: r.changed });
    }
    expect(a.fragilitySnapshot()).toEqual(frag.snapshot());
    expect(a.regimeSnapshot()).toEqual(reg.snapshot());
    for (let i = 0; i < 4; i++) {
      const d = a.agentDiagnostics(i);
      expect(d).toMatchObject(diag.agent(i));
      expect(d['phi']).toBe(a.agentPhi(i));
      expect(d['crowding_exposure']).toBe(a.alphaDecay.exposure[i]);
      expect(d['sharpe_proxy']).toBe(a.alphaDecay.sharpeProxy(i));
      expect(a.agentSharpe(i)).toBe(diag.sharpe(i));
      expect(a.agentSharpeFull(i)).toBe(diag.sharpeFull(i));
      const w = a.agentDiagnosticsWire(i);
      for (const k of Object.keys(w)) expect(w[k as keyof typeof w], k).toBe(d[k]);
      expect(Object.keys(w)).toHaveLength(17);
      expect(a.agentRisk(i)).toEqual(diag.risk(i));
    }
    expect(a.leaderboard()).toEqual(diag.leaderboard(['mom_1', 'copy', 'mm', 'seller']));
    // The crowded takers are the most similar pair, and more crowded than the maker.
    const c = a.crowdingSnapshot();
    expect(c.top_crowded_pairs[0]).toMatchObject({ agent_a: 'mom_1', agent_b: 'copy' });
    expect(c.agent_crowding_intensity['mom_1']!).toBeGreaterThan(c.agent_crowding_intensity['mm']!);
    expect(c.agent_multipliers['mom_1']).toBe(a.crowding.multipliers[0]);
  });

  it('multipliers are 1 and Phi 0 until the first crowding update; then the agent view shows the previous update', () => {
    const a = market({ crowding: { updateEvery: 3 } });
    const ticks = script(7);
    const m0 = a.executionMultipliers(ticks[0]!.orders);
    expect(Array.from(m0.agent)).toEqual([1, 1, 1, 1]);
    expect([m0.buy, m0.sell]).toEqual([1, 1]);
    expect(a.agentView(0)).toEqual({ intensity: 0, phi: 0, sidePressure: 0, buyImpactMultiplier: 1, sellImpactMultiplier: 1, agentImpactMultiplier: 1 });
    const outs = ticks.map((t) => {
      a.executionMultipliers(t.orders);
      return a.endTick(t);
    });
    // updateEvery 3: ticks 0, 3 and 6 carry a crowding payload.
    expect(outs.map((o) => o.crowding !== null)).toEqual([true, false, false, true, false, false, true]);
    expect(outs[3]!.crowding!.tick).toBe(3);
    expect(a.crowdingSnapshot().tick).toBe(6);
    const m = a.executionMultipliers(ticks[0]!.orders);
    for (let i = 0; i < 4; i++) {
      expect(m.agent[i]).toBe(a.crowding.multipliers[i]);
      expect(a.agentView(i).agentImpactMultiplier).toBe(a.crowding.multipliers[i]);
      expect(a.agentView(i).phi).toBe(a.crowding.phi[i]);
    }
    expect(a.agentView(0).intensity).toBe(a.crowding.intensity);
    expect(a.agentView(0).buyImpactMultiplier).toBe(m.buy);
    expect(a.agentView(0).sellImpactMultiplier).toBe(m.sell);
    expect(a.agentView(0).sidePressure).toBe(m.sidePressure);
    // Buy pressure from this tick's orders raises the buy side once crowding exists.
    const buys = a.executionMultipliers([{ agent: 0, side: 'BID', type: 'MARKET', price: null, qty: 10 }]);
    expect(buys.orderFlowImbalance).toBe(1);
    expect(buys.buy).toBeGreaterThan(buys.sell);
    expect(a.agentView(-1)).toMatchObject({ phi: 0, agentImpactMultiplier: 1 });
    expect(a.agentPhi(99)).toBe(0);
  });

  it('above eventMatrixMaxAgents the payload has no matrix; the snapshot still does', () => {
    const a = market({}, { eventMatrixMaxAgents: 3, eagerPairsMaxAgents: 2 });
    const b = market({}, { eventMatrixMaxAgents: 3 });
    let pa = null;
    let pb = null;
    for (const t of script(5)) {
      pa = a.endTick(t).crowding;
      pb = b.endTick(t).crowding;
    }
    expect(pa!.matrix).toEqual([]);
    expect(pb!.matrix).toEqual([]);
    expect(JSON.parse(JSON.stringify(pa!.top_crowded_pairs))).toEqual(JSON.parse(JSON.stringify(pb!.top_crowded_pairs)));
    expect(a.crowdingSnapshot().matrix).toHaveLength(4);
    const full = market({}, { eagerPairsMaxAgents: 2 });
    let pf = null;
    for (const t of script(5)) pf = full.endTick(t).crowding;
    expect(pf!.matrix).toEqual(full.crowdingSnapshot().matrix);
    expect(pf!.matrix).toEqual(b.crowdingSnapshot().matrix);
  });

  it('the crowding and factor-space snapshots carry the config and the parts’ figures', () => {
    const a = market({ crowding: { kappa: 7, phiNormalization: 'seed' } });
    for (const t of script(12)) {
      a.executionMultipliers(t.orders);
      a.endTick(t);
    }
    const c = a.crowdingSnapshot();
    expect(c).toMatchObject({ tick: 11, kappa: 7, phi_normalization: 'seed', crowding_intensity: a.crowding.intensity, agent_ids: ['mom_1', 'copy', 'mm', 'seller'] });
    expect(c.activity_weights).toEqual(Array.from(a.factorSpace.weights.subarray(0, 4)));
    expect(c.agent_crowding_intensity['copy']).toBe(a.crowding.phi[1]);
    expect(c.matrix).toEqual(a.crowding.toNested());
    expect(c.side).toEqual({ buy_multiplier: a.agentView(0).buyImpactMultiplier, sell_multiplier: a.agentView(0).sellImpactMultiplier, side_pressure: a.agentView(0).sidePressure, order_flow_imbalance: c.side.order_flow_imbalance });
    const p = c.top_crowded_pairs[0]!;
    const w = a.factorSpace.weights;
    expect(p.pair_activity).toBeCloseTo(w[0]! * w[1]!, 15);
    const f = a.factorSpaceSnapshot();
    expect(f.tick).toBe(11);
    expect(f.agents.map((x) => [x.agent_id, x.strategy_type])).toEqual([['mom_1', 'momentum'], ['copy', 'momentum'], ['mm', 'market_maker'], ['seller', 'noise']]);
    expect(f.agents[2]!.vector).toEqual(Array.from(a.factorSpace.factors.subarray(12, 18)));
    expect(f.agents[2]!.activity).toBe(a.factorSpace.activity[2]);
    expect(f.agents[2]!.volume_share).toBe(a.factorSpace.weights[2]);
    expect(f.factor_names).toHaveLength(6);
    expect(f.pca.explained_variance_ratio[0]).toBeGreaterThan(0);
    expect(f.window).toBe(a.factorSpace.window);
  });

  it('the decay snapshot: per agent and per strategy, the chosen estimator on top and the other beside it', () => {
    for (const estimator of ['levels', 'original'] as const) {
      const a = market({ alphaDecay: { estimator, agentWindow: 5 } });
      for (const t of script(40)) a.endTick(t);
      const d = a.decaySnapshot() as unknown as Record<string, unknown> & { agent_decay_params: { agent_id: string; strategy: string }[]; strategy_decay_params: { strategy: string; agents: number }[]; agents: { agent_id: string; crowding_exposure: number }[] };
      expect(d['estimator']).toBe(estimator);
      expect(d['tick']).toBe(39);
      expect(d.agent_decay_params.map((p) => [p.agent_id, p.strategy])).toEqual([['mom_1', 'momentum'], ['copy', 'momentum'], ['mm', 'market_maker'], ['seller', 'noise']]);
      expect(d.strategy_decay_params.map((s) => [s.strategy, s.agents])).toEqual([['market_maker', 1], ['momentum', 2], ['noise', 1]]);
      expect(d.agents[1]!.crowding_exposure).toBe(a.alphaDecay.exposure[1]);
      expect((d['crowding_intensity_history'] as number[]).length).toBe(40);
      expect((d['crowding_intensity_history'] as number[])[39]).toBe(a.crowding.intensity);
      expect((d['side_pressure_history'] as number[]).length).toBe(40);
      if (estimator === 'original') {
        expect(d['model']).toMatch(/OLS on log\(max\(sharpe, floor\)\)/);
        expect(d['samples']).toBe(a.alphaDecay.fit().samples);
        expect(d['levels_estimator']).toMatchObject({ model: expect.stringMatching(/5-tick windows/) });
        expect(d['original_estimator']).toBeUndefined();
      } else {
        expect(d['model']).toMatch(/least squares in levels/);
        expect(d['min_fit_samples']).toBe(a.config.alphaDecay.agentMinSamples);
        expect(d['original_estimator']).toMatchObject({ samples: a.alphaDecay.fit().samples, min_fit_samples: a.config.alphaDecay.minFitSamples });
        expect(d['levels_estimator']).toBeUndefined();
      }
      expect(Object.keys(d['units'] as object)).toEqual(['exposure', 'sharpe', 'half_life']);
    }
  });
});

describe('MarketAnalytics checkpoints', () => {
  it('a restored copy continues bit for bit; display windows optional; refuses another population', () => {
    const ticks = script(50, 9);
    const a = market({ crowding: { updateEvery: 2 } });
    for (const t of ticks.slice(0, 30)) {
      a.executionMultipliers(t.orders);
      a.endTick(t);
    }
    const saved = JSON.parse(JSON.stringify(a.saveState()));
    const b = market({ crowding: { updateEvery: 2 } });
    b.loadState(saved);
    for (const t of ticks.slice(30)) {
      expect(b.executionMultipliers(t.orders)).toEqual(a.executionMultipliers(t.orders));
      expect(JSON.parse(JSON.stringify(b.endTick(t)))).toEqual(JSON.parse(JSON.stringify(a.endTick(t))));
    }
    for (const snap of ['crowdingSnapshot', 'factorSpaceSnapshot', 'decaySnapshot', 'regimeSnapshot', 'fragilitySnapshot'] as const) expect(b[snap]()).toEqual(a[snap]());
    // Without display windows (an older checkpoint) the histories restart empty.
    const old = { ...saved };
    delete old.display;
    delete old.agentDecay;
    const c = market({ crowding: { updateEvery: 2 } });
    c.loadState(old);
    expect((c.decaySnapshot() as unknown as { crowding_intensity_history: number[] }).crowding_intensity_history).toEqual([]);
    expect(c.regimeSnapshot().history).toEqual([]);
    const junk = { ...saved, display: { intensity: [1, 'x', 2], sidePressure: 'no' } };
    const e = market({ crowding: { updateEvery: 2 } });
    e.loadState(junk);
    expect((e.decaySnapshot() as unknown as { crowding_intensity_history: number[]; side_pressure_history: number[] }).crowding_intensity_history).toEqual([1, 2]);
    const five = market();
    five.addAgent('extra', 'x');
    expect(() => five.loadState(saved)).toThrow('analytics snapshot is for 4 agents, this market has 5');
    expect(five.agentCount).toBe(5);
  });
});

describe('MarketAnalytics details from the mutation run', () => {
  it('before any call the agent view is neutral; more than 8 agents get a multiplier each', () => {
    const a = new MarketAnalytics(resolveConfig({}), new Rng(1));
    for (let i = 0; i < 11; i++) a.addAgent(`a${i}`, 'x');
    expect(a.agentView(3)).toEqual({ intensity: 0, phi: 0, sidePressure: 0, buyImpactMultiplier: 1, sellImpactMultiplier: 1, agentImpactMultiplier: 1 });
    const m = a.executionMultipliers([]);
    expect(m.agent).toHaveLength(11);
    expect(Array.from(m.agent)).toEqual(new Array(11).fill(1));
    expect(a.agentCount).toBe(11);
  });

  it('no agents: no crowding payload and nothing computed', () => {
    const a = new MarketAnalytics(resolveConfig({}), new Rng(1));
    const out = a.endTick({ ...script(1)[0]!, orders: [], fills: [], pnl: new Float64Array(0), inventory: new Float64Array(0), cash: new Float64Array(0) });
    expect(out.crowding).toBeNull();
    expect(a.crowdingSnapshot()).toMatchObject({ tick: null, agent_ids: [] });
  });

  it('a payload keeps its own agent ids when agents join later; a one-agent market restored shows its id', () => {
    const a = market();
    const p = a.endTick(script(1)[0]!).crowding!;
    a.addAgent('late', 'x');
    expect(p.agent_ids).toEqual(['mom_1', 'copy', 'mm', 'seller']);
    const one = new MarketAnalytics(resolveConfig({}), new Rng(1));
    one.addAgent('solo', 'x');
    one.endTick({ ...script(1)[0]!, pnl: Float64Array.from([0]), inventory: Float64Array.from([0]), cash: Float64Array.from([0]), fills: [], orders: [] });
    const copy = new MarketAnalytics(resolveConfig({}), new Rng(1));
    copy.addAgent('solo', 'x');
    copy.loadState(JSON.parse(JSON.stringify(one.saveState())));
    const next = copy.endTick({ ...script(2)[1]!, pnl: Float64Array.from([1]), inventory: Float64Array.from([0]), cash: Float64Array.from([0]), fills: [], orders: [] });
    expect(next.crowding!.agent_ids).toEqual(['solo']);
  });

  it('payload limits are inclusive: at eventMatrixMaxAgents the matrix is sent, at eagerPairsMaxAgents it is plain data, above it a getter', () => {
    const at = market({}, { eventMatrixMaxAgents: 4, eagerPairsMaxAgents: 4 });
    const p = at.endTick(script(1)[0]!).crowding!;
    expect(p.matrix).toHaveLength(4);
    expect(Object.getOwnPropertyDescriptor(p, 'matrix')!.get).toBeUndefined();
    const above = market({}, { eagerPairsMaxAgents: 3 });
    const q = above.endTick(script(1)[0]!).crowding!;
    expect(Object.getOwnPropertyDescriptor(q, 'matrix')!.get).toBeTypeOf('function');
    expect(q.matrix).toEqual(p.matrix);
  });

  it('the factor-space snapshot places every agent at its PCA coordinates; the decay snapshot’s pooled levels fit and units', () => {
    const a = market({ alphaDecay: { agentWindow: 5, agentMinSamples: 3 } });
    for (const t of script(40)) a.endTick(t);
    const f = a.factorSpaceSnapshot();
    expect(f.pca.method).toMatch(/Jacobi/);
    const proj = pca2d(a.factorSpace.factors.subarray(0, 24), 4, 6);
    f.agents.forEach((ag, i) => expect(ag.pca).toEqual({ x: proj.coords[i * 2], y: proj.coords[i * 2 + 1] }));
    const d = a.decaySnapshot() as unknown as Record<string, unknown> & { curve: { exposure: number; sharpe: number }[]; units: Record<string, string>; impact_multipliers: Record<string, number> };
    const pooled = a.agentDecay.groupParams('pooled', [0, 1, 2, 3], a.alphaDecay.exposure);
    expect(d['samples']).toBe(pooled.n_samples);
    expect(d['samples']).toBeGreaterThan(0);
    expect(d['half_life_ci']).toEqual(pooled.half_life_ci);
    expect(d.curve).toEqual(pooled.curve.map((p) => ({ exposure: p.crowding_exposure, sharpe: p.predicted_sharpe })));
    expect(d.units['exposure']).toMatch(/^cumulative crowding exposure X_i/);
    expect(d.units['sharpe']).toMatch(/5-tick window, not annualised/);
    expect(d.units['half_life']).toMatch(/half_life_ticks/);
    expect(d.impact_multipliers).toEqual({ buy: a.agentView(0).buyImpactMultiplier, sell: a.agentView(0).sellImpactMultiplier, side_pressure: a.agentView(0).sidePressure });
    // a strategy's fit is the agent-decay group fit of its members, under its own key
    const s = a.strategyDecayParams('momentum');
    const { strategy: _s, agents: _n, ...fit } = s;
    expect(fit).toEqual(a.agentDecay.groupParams('strategy:momentum', [0, 1], a.alphaDecay.exposure));
  });

  it('a damaged checkpoint names the part; a checkpoint without the per-agent decay starts it empty', () => {
    const a = market({ alphaDecay: { agentWindow: 5, agentMinSamples: 3 } });
    for (const t of script(30)) a.endTick(t);
    const saved = JSON.parse(JSON.stringify(a.saveState()));
    for (const part of ['factorSpace', 'crowding', 'alphaDecay', 'agentDecay', 'diagnostics', 'fragility', 'regime']) {
      expect(() => market({ alphaDecay: { agentWindow: 5, agentMinSamples: 3 } }).loadState({ ...saved, [part]: 7 }), part).toThrow(new RegExp(`analytics\\.${part}`));
    }
    const old = { ...saved };
    delete old.agentDecay;
    const b = market({ alphaDecay: { agentWindow: 5, agentMinSamples: 3 } });
    b.loadState(old);
    expect(b.agentDecayParams(0).n_samples).toBe(0);
    const c = market({ alphaDecay: { agentWindow: 5, agentMinSamples: 3 } });
    c.loadState(saved);
    expect(c.agentDecayParams(0)).toEqual(a.agentDecayParams(0));
    expect(c.agentDecayParams(0).n_samples).toBeGreaterThan(0);
    const junk = market();
    junk.loadState({ ...saved, display: { intensity: [], sidePressure: [0.5, 'x', null, 0.25] } });
    expect((junk.decaySnapshot() as unknown as { side_pressure_history: number[] }).side_pressure_history).toEqual([0.5, 0.25]);
  });
});
