/**
 * Local backtest of a user strategy (`crowdalpha backtest my_strategy.ts --ticks 5000 --seed 7`):
 * the same validation, the same sandbox (a runner process, one isolate) and the same order
 * sanitising as a live deploy, against the default market population, driven by the same
 * TickDriver as the live server (waiting for every answer, so a run is reproducible). Returns
 * plain-JSON diagnostics.
 */
import { Simulation, type DeepPartial, type SimulationConfig } from '@crowdalpha/engine';
import { SandboxPool } from './sandbox-pool.js';
import type { SandboxLimits } from './limits.js';
import type { SandboxStats } from './sandbox-agent.js';
import { TickDriver } from './tick-driver.js';
import { compileStrategy } from './validate-source.js';
import { resolveLanguage, type StrategyLanguage } from './python/language.js';
import { toPythonCompiled } from './python/python-marker.js';

export interface BacktestOptions {
  /** TypeScript, JavaScript or Python strategy source. */
  source: string;
  /** typescript | python; absent: detected (LANGUAGE_DETECTION_RULE). */
  language?: StrategyLanguage;
  /** Ticks to run (default 1,000). */
  ticks?: number;
  /** Simulation seed (default: the config default, 42). */
  seed?: number;
  /** Constructor options of the strategy (the deploy config's params). */
  params?: Record<string, unknown>;
  /** Per-call deadline, ms (the deploy config's timeout_ms; default 120). */
  timeoutMs?: number;
  /** Market configuration overrides (seed above wins). */
  config?: DeepPartial<SimulationConfig>;
  /** Agent id of the strategy in the simulated market. */
  agentId?: string;
  limits?: Partial<SandboxLimits>;
  /** Called about 100 times over the run and once at the end. */
  onProgress?: (done: number, total: number) => void;
}

export interface BacktestReport {
  strategy_class: string;
  agent_id: string;
  seed: number;
  ticks: number;
  ticks_run: number;
  /** Null while the strategy traded to the end; otherwise why it was silenced. */
  silenced: string | null;
  silenced_at_tick: number | null;
  pnl: number;
  realized_pnl: number;
  sharpe: number | null;
  fills: number;
  total_buy_qty: number;
  total_sell_qty: number;
  final_inventory: number;
  orders_submitted: number;
  orders_rejected: number;
  impact_cost: number;
  /** Crowding intensity Phi of the strategy: at the end and averaged over the run. */
  phi: number;
  phi_mean: number;
  /** Alpha-decay half-life (ticks of crowding exposure) when the market-wide fit has enough samples. */
  half_life: number | null;
  alpha_decay: unknown;
  final_mid: number | null;
  sandbox: SandboxStats;
  wall_ms: number;
  ms_per_tick: number;
}

export async function runBacktest(opts: BacktestOptions): Promise<BacktestReport> {
  const ticks = opts.ticks ?? 1_000;
  if (!Number.isInteger(ticks) || ticks < 1 || ticks > 10_000_000) throw new RangeError(`ticks must be an integer in [1, 10000000], got ${ticks}`);
  const language = resolveLanguage(opts.source, opts.language ?? null);
  const compiled =
    language === 'typescript' ? compileStrategy(opts.source, opts.limits?.maxSourceChars !== undefined ? { maxSourceChars: opts.limits.maxSourceChars } : {}) : null;
  const overrides: DeepPartial<SimulationConfig> = { ...(opts.config ?? {}) };
  if (opts.seed !== undefined) overrides.seed = opts.seed;
  const sim = new Simulation(overrides);
  const seed = sim.config.seed;
  const agentId = opts.agentId ?? 'user_1';
  const pool = new SandboxPool({ workers: 1, seed, ...(opts.limits ? { limits: opts.limits } : {}) });
  const started = performance.now();
  try {
    const params = opts.params ?? {};
    // Python: the same in-sandbox checks as a registration (syntax at line:column, imports, class).
    const prepared = compiled ?? { code: toPythonCompiled(opts.source), className: (await pool.checkPython(opts.source)).className };
    await pool.probe(prepared.code, params);
    const agent = await pool.deploy(agentId, prepared.className, prepared.code, {
      params,
      ...(opts.timeoutMs !== undefined ? { timeout_ms: opts.timeoutMs } : {}),
    });
    let silencedAt: number | null = null;
    const driver = new TickDriver(pool, {
      collectDeadlineMs: null,
      onSilenced: (_id, _reason, tick) => {
        silencedAt = tick;
      },
    });
    driver.attach(sim);
    driver.addAgent(agent);
    const every = Math.max(1, Math.floor(ticks / 100));
    let phiSum = 0;
    for (let t = 1; t <= ticks; t++) {
      await driver.tick();
      phiSum += sim.agentStats(agentId)?.phi ?? 0;
      if (opts.onProgress && (t % every === 0 || t === ticks)) opts.onProgress(t, ticks);
    }
    sim.setAgentExtra(agentId, agent.stats());
    const s = sim.agentStats(agentId);
    if (!s) throw new Error(`agent ${agentId} vanished from the simulation`);
    const decay = sim.decaySnapshot() as { half_life?: unknown } | null;
    const wall = performance.now() - started;
    return {
      strategy_class: prepared.className,
      agent_id: agentId,
      seed,
      ticks,
      ticks_run: sim.tick,
      silenced: agent.silencedReason,
      silenced_at_tick: silencedAt,
      pnl: s.pnl,
      realized_pnl: s.realized_pnl,
      sharpe: s.sharpe,
      fills: s.fill_count,
      total_buy_qty: s.total_buy_qty,
      total_sell_qty: s.total_sell_qty,
      final_inventory: s.inventory,
      orders_submitted: s.orders_submitted,
      orders_rejected: s.orders_rejected,
      impact_cost: s.impact_cost,
      phi: s.phi,
      phi_mean: phiSum / ticks,
      half_life: typeof decay?.half_life === 'number' ? decay.half_life : null,
      alpha_decay: decay,
      final_mid: sim.latestTick()?.mid ?? null,
      sandbox: agent.stats(),
      wall_ms: Math.round(wall),
      ms_per_tick: Math.round((wall / ticks) * 1000) / 1000,
    };
  } finally {
    await pool.close();
  }
}
