/**
 * Local backtest of a user strategy (`crowdalpha backtest my_strategy.ts --ticks 5000 --seed 7`):
 * the same validation, the same sandbox (a runner process, one isolate) and the same order
 * sanitising as a live deploy, against the default market population, driven by the same
 * TickDriver as the live server (waiting for every answer, so a run is reproducible). Returns
 * plain-JSON diagnostics.
 */
import { Simulation, type DeepPartial, type OrderFilledPayload, type SimulationConfig } from '@crowdalpha/engine';
import { StrategyValidationError, formatDiagnostic } from './errors.js';
import { SandboxPool } from './sandbox-pool.js';
import type { SandboxLimits } from './limits.js';
import type { SandboxDetails, SandboxStats } from './sandbox-agent.js';
import { checkParams } from './strategy-params.js';
import { TickDriver } from './tick-driver.js';
import { compileStrategy } from './validate-source.js';
import { resolveLanguage, type StrategyLanguage } from './python/language.js';
import { toPythonCompiled } from './python/python-marker.js';

/** Log lines a backtest keeps (the live default keeps fewer): a local run is where authors read them. */
export const BACKTEST_LOG_TAIL_LINES = 500;
/** Drop/clamp reasons a backtest spells out. */
export const BACKTEST_DROP_REASONS = 10;

/** One fill of the strategy, from its side. */
export interface BacktestTrade {
  tick: number;
  side: 'BUY' | 'SELL';
  price: number;
  qty: number;
  /** True when the strategy's order took liquidity. */
  aggressor: boolean;
  counterparty: string;
}

/** The strategy's account at the end of one tick. */
export interface EquityPoint {
  tick: number;
  mid: number;
  position: number;
  cash: number;
  /** cash + position × mid. */
  equity: number;
}

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
  /** Keep the strategy's trades and per-tick equity in the report (`trades`, `equity`). */
  record?: boolean;
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
  /** Rolling Sharpe (last diagnostics.window ticks), annualised by simulated trading time. */
  sharpe: number | null;
  /** Full-run Sharpe (since the strategy joined), same definition; same sign as its net PnL. */
  sharpe_full: number | null;
  fills: number;
  total_buy_qty: number;
  total_sell_qty: number;
  final_inventory: number;
  orders_submitted: number;
  orders_rejected: number;
  impact_cost: number;
  /**
   * The PnL split (docs/MODEL.md §3): spread earned on passive fills and paid crossing, against the
   * pre-trade mid of each fill's tick; direction is the rest, so net PnL = spread_earned −
   * spread_paid − impact_cost + direction_pnl.
   */
  net_pnl: number;
  spread_earned: number;
  spread_paid: number;
  direction_pnl: number;
  /** Crowding intensity Phi of the strategy: at the end and averaged over the run. */
  phi: number;
  phi_mean: number;
  /**
   * The strategy's own alpha-decay half-life (cumulative-exposure units; `alpha_decay` has it in
   * ticks, the interval, R², the sample count and, when none fits, why), or null.
   */
  half_life: number | null;
  /** The strategy's own fit (the `agent_decay_params` entry of GET /analytics/decay). */
  alpha_decay: unknown;
  /** The market-level pooled fit over every agent, for comparison. */
  market_decay: unknown;
  final_mid: number | null;
  sandbox: SandboxStats;
  /** Drop reasons, the captured console output and the last fault (with line:column). */
  details: SandboxDetails;
  /** Orders dropped by the sandbox (malformed + over the per-tick cap) and quantities clamped. */
  orders_dropped: number;
  qty_clamped: number;
  /** What the author should look at even though the run completed (type warnings, all orders dropped, ...). */
  warnings: string[];
  wall_ms: number;
  ms_per_tick: number;
  /** With `record`: every fill of the strategy and its equity after every tick. */
  trades?: BacktestTrade[];
  equity?: EquityPoint[];
}

export async function runBacktest(opts: BacktestOptions): Promise<BacktestReport> {
  const ticks = opts.ticks ?? 1_000;
  if (!Number.isInteger(ticks) || ticks < 1 || ticks > 10_000_000) throw new RangeError(`ticks must be an integer in [1, 10000000], got ${ticks}`);
  const language = resolveLanguage(opts.source, opts.language ?? null);
  const compiled =
    language === 'typescript' ? compileStrategy(opts.source, opts.limits?.maxSourceChars !== undefined ? { maxSourceChars: opts.limits.maxSourceChars } : {}) : null;
  const paramProblems = compiled ? checkParams(opts.params, compiled.params) : [];
  if (paramProblems.length) throw new StrategyValidationError(paramProblems);
  const overrides: DeepPartial<SimulationConfig> = { ...(opts.config ?? {}) };
  if (opts.seed !== undefined) overrides.seed = opts.seed;
  const sim = new Simulation(overrides);
  const seed = sim.config.seed;
  const agentId = opts.agentId ?? 'user_1';
  const pool = new SandboxPool({
    workers: 1,
    seed,
    limits: { logTailLines: BACKTEST_LOG_TAIL_LINES, dropReasonsKept: BACKTEST_DROP_REASONS, ...(opts.limits ?? {}) },
  });
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
    const trades: BacktestTrade[] = [];
    const equity: EquityPoint[] = [];
    for (let t = 1; t <= ticks; t++) {
      const result = await driver.tick();
      const now = sim.agentStats(agentId);
      phiSum += now?.phi ?? 0;
      if (opts.record && now) {
        for (const e of result.events) {
          if (e.type !== 'ORDER_FILLED') continue;
          const f = e.payload as OrderFilledPayload;
          const buy = f.buy_agent_id === agentId;
          if (!buy && f.sell_agent_id !== agentId) continue;
          trades.push({ tick: f.tick, side: buy ? 'BUY' : 'SELL', price: f.price, qty: f.qty, aggressor: (f.aggressor === 'BID') === buy, counterparty: buy ? f.sell_agent_id : f.buy_agent_id });
        }
        equity.push({ tick: result.tick, mid: result.state.mid_price, position: now.inventory, cash: now.cash, equity: now.pnl });
      }
      if (opts.onProgress && (t % every === 0 || t === ticks)) opts.onProgress(t, ticks);
    }
    sim.setAgentExtra(agentId, agent.stats());
    const s = sim.agentStats(agentId);
    if (!s) throw new Error(`agent ${agentId} vanished from the simulation`);
    const decay = sim.agentDecay(agentId) as { half_life?: unknown } | null;
    const wall = performance.now() - started;
    const details = pool.details(agentId) ?? { drop_reasons: [], log_tail: [], log_dropped: 0, last_error: null };
    const st = agent.stats();
    const dropped = Number(st.orders_dropped ?? 0);
    const warnings = (compiled?.warnings ?? []).map(formatDiagnostic);
    if (dropped > 0 && agent.counters.orders === 0) {
      warnings.push(`every order was dropped (${dropped}); first reason: ${details.drop_reasons[0]?.reason ?? 'see drop reasons'}`);
    }
    if (agent.counters.errors + agent.counters.timeouts > 0 && !agent.silencedReason) {
      warnings.push(`${agent.counters.errors + agent.counters.timeouts} fault(s) cost ticks without silencing it (limit ${pool.limits.maxErrors}); last: ${details.last_error?.message ?? 'n/a'}`);
    }
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
      sharpe_full: s.sharpe_full,
      fills: s.fill_count,
      total_buy_qty: s.total_buy_qty,
      total_sell_qty: s.total_sell_qty,
      final_inventory: s.inventory,
      orders_submitted: s.orders_submitted,
      orders_rejected: s.orders_rejected,
      impact_cost: s.impact_cost,
      net_pnl: s.net_pnl,
      spread_earned: s.spread_earned,
      spread_paid: s.spread_paid,
      direction_pnl: s.direction_pnl,
      phi: s.phi,
      phi_mean: phiSum / ticks,
      half_life: typeof decay?.half_life === 'number' ? decay.half_life : null,
      alpha_decay: decay,
      market_decay: sim.decaySnapshot(),
      final_mid: sim.latestTick()?.mid_price ?? null,
      sandbox: st,
      details,
      orders_dropped: dropped,
      qty_clamped: agent.counters.qtyClamped,
      warnings,
      wall_ms: Math.round(wall),
      ms_per_tick: Math.round((wall / ticks) * 1000) / 1000,
      ...(opts.record ? { trades, equity } : {}),
    };
  } finally {
    await pool.close();
  }
}
