/**
 * `crowdalpha backtest <file>`: runs a strategy file in the same sandbox as a live deploy against
 * the default market and prints its diagnostics. Validation errors come back with line:column;
 * dropped orders, faults and the strategy's console output are printed, never only counted; the
 * exit code says whether the strategy traded to the end (0), was refused (1) or was silenced (3).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runBacktest, StrategyValidationError, PythonUnavailableError, formatDiagnostic, type BacktestReport, type StrategyLanguage } from '@crowdalpha/sandbox';
import { readJsonFile } from './options.js';
import { progressBar } from './progress.js';

export interface BacktestCliOptions {
  ticks: number;
  seed: number;
  timeoutMs?: number;
  params?: string;
  config?: string;
  json?: boolean;
  progress?: boolean;
  /** Directory to write trades.csv and equity.csv into. */
  out?: string;
}

/** Exit code of a backtest whose strategy was silenced before the end. */
export const EXIT_SILENCED = 3;
/** Log lines the text report prints (the JSON report has all the backtest kept). */
export const REPORT_LOG_LINES = 40;

export async function backtestCommand(file: string, opts: BacktestCliOptions, log: (s: string) => void = (s) => process.stdout.write(s + '\n')): Promise<number> {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    process.stderr.write(`error: cannot read strategy file "${file}": ${(err as Error).message}\n`);
    return 2;
  }
  const language = languageOfFile(file);
  const bar = progressBar(opts.ticks, 'backtest', opts.progress);
  let report: BacktestReport;
  try {
    report = await runBacktest({
      source,
      ...(language ? { language } : {}),
      ticks: opts.ticks,
      seed: opts.seed,
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.params ? { params: readJsonFile(opts.params, 'params') } : {}),
      ...(opts.config ? { config: readJsonFile(opts.config, 'config') } : {}),
      onProgress: (done) => bar.update(done),
      ...(opts.out ? { record: true } : {}),
    });
  } catch (err) {
    bar.stop();
    if (err instanceof StrategyValidationError) {
      process.stderr.write(`error: ${file} is not a valid strategy:\n`);
      for (const d of err.diagnostics) process.stderr.write(`  ${file}:${formatDiagnostic(d)}\n`);
      return 1;
    }
    if (err instanceof PythonUnavailableError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
  bar.stop();
  let written: string[] = [];
  if (opts.out) {
    try {
      written = writeOutputs(opts.out, report);
    } catch (err) {
      process.stderr.write(`error: cannot write --out ${opts.out}: ${(err as Error).message}\n`);
      return 2;
    }
  }
  const { trades: _t, equity: _e, ...printed } = report;
  log(opts.json ? JSON.stringify(printed) : formatReport(report, written));
  if (report.silenced) {
    process.stderr.write(`error: the strategy was silenced at tick ${report.silenced_at_tick}: ${report.silenced}\n`);
    return EXIT_SILENCED;
  }
  return 0;
}

/** .py is Python, .ts/.js/.mjs TypeScript; any other extension is detected from the source. */
function languageOfFile(file: string): StrategyLanguage | undefined {
  if (/\.py$/i.test(file)) return 'python';
  if (/\.(ts|mts|js|mjs)$/i.test(file)) return 'typescript';
  return undefined;
}

/** trades.csv (one row per fill of the strategy) and equity.csv (one row per tick). */
function writeOutputs(dir: string, r: BacktestReport): string[] {
  mkdirSync(dir, { recursive: true });
  const trades = path.join(dir, 'trades.csv');
  const equity = path.join(dir, 'equity.csv');
  writeFileSync(trades, ['tick,side,price,qty,aggressor,counterparty', ...(r.trades ?? []).map((t) => `${t.tick},${t.side},${t.price},${t.qty},${t.aggressor},${t.counterparty}`)].join('\n') + '\n');
  writeFileSync(equity, ['tick,mid,position,cash,equity', ...(r.equity ?? []).map((p) => `${p.tick},${p.mid},${p.position},${p.cash},${p.equity}`)].join('\n') + '\n');
  return [trades, equity];
}

function formatReport(r: BacktestReport, written: string[]): string {
  const f = (v: number | null | undefined, d = 4) => (v === null || v === undefined ? 'n/a' : v.toFixed(d));
  const d = r.details;
  const sb = r.sandbox;
  const lines = [
    `strategy       ${r.strategy_class} as ${r.agent_id} (seed ${r.seed}, ${r.ticks_run}/${r.ticks} ticks)`,
    r.silenced ? `SILENCED       at tick ${r.silenced_at_tick}: ${r.silenced}` : `status         traded to the end`,
    `equity         ${f(r.pnl, 2)} (cash + inventory × mid, marked to mid; realized ${f(r.realized_pnl, 2)})`,
    `sharpe         ${f(r.sharpe_full, 3)} full run, ${f(r.sharpe, 3)} rolling (per-tick PnL changes, annualised by simulated trading time)`,
    `fills          ${r.fills} (bought ${r.total_buy_qty}, sold ${r.total_sell_qty}, inventory ${r.final_inventory})`,
    `orders         ${r.orders_submitted} reached the book, ${r.orders_rejected} rejected by it; ${r.orders_dropped} dropped by the sandbox (${sb.malformed_dropped} malformed, ${sb.over_cap_dropped} over the per-tick cap), ${r.qty_clamped} qty clamped`,
    `impact cost    ${f(r.impact_cost, 2)}`,
    `pnl split      spread ${f(r.spread_earned - r.spread_paid, 2)} (earned ${f(r.spread_earned, 2)} passive, paid ${f(r.spread_paid, 2)} crossing) · impact ${f(-r.impact_cost, 2)} · direction ${f(r.direction_pnl, 2)} = net ${f(r.net_pnl, 2)}`,
    `crowding phi   ${f(r.phi, 3)} (mean ${f(r.phi_mean, 3)})`,
    `half-life      ${halfLifeLine(r.alpha_decay)}`,
    `faults         ${sb.errors} errors, ${sb.timeouts} timeouts (limit ${sb.timeout_ms} ms), ${sb.restarts} restarts; silenced at ${sb.max_errors} faults`,
    `wall time      ${r.wall_ms} ms`,
  ];
  if (d.last_error) {
    lines.push('', `last error     tick ${d.last_error.tick ?? '?'}: ${d.last_error.message}`);
    for (const fr of d.last_error.stack) lines.push(`                 at ${fr}`);
  }
  if (d.drop_reasons.length) {
    lines.push('', `dropped/clamped orders (first ${d.drop_reasons.length}):`);
    for (const x of d.drop_reasons) lines.push(`  tick ${x.tick ?? '?'} ${x.reason}`);
  }
  for (const w of r.warnings) lines.push('', `WARNING        ${w}`);
  if (d.log_tail.length || d.log_dropped) {
    const shown = d.log_tail.slice(-REPORT_LOG_LINES);
    const hidden = d.log_tail.length - shown.length;
    lines.push('', `console output (${sb.log_lines} lines${d.log_dropped ? `, ${d.log_dropped} over the per-tick cap not kept` : ''}${hidden ? `; last ${shown.length} shown, --json has ${d.log_tail.length}` : ''}):`);
    for (const x of shown) lines.push(`  [${x.tick ?? '?'}] ${x.line}`);
  }
  if (written.length) lines.push('', `wrote          ${written.join(', ')}`);
  return lines.join('\n');
}

/** The strategy's own alpha-decay fit in one line: the half-life with its interval, or why there is none. */
export function halfLifeLine(d: unknown): string {
  const p = (d ?? {}) as {
    half_life?: number | null;
    half_life_ticks?: number | null;
    half_life_ci?: { level: number; lower: number | null; upper: number | null } | null;
    r_squared?: number | null;
    n_samples?: number;
    reason?: string | null;
    significant?: boolean;
  };
  const n = p.n_samples ?? 0;
  if (typeof p.half_life !== 'number') return `none — ${p.reason ?? 'no fit'} (${n} windows)`;
  const ci = p.half_life_ci;
  const bound = (v: number | null) => (v === null ? '∞' : v.toFixed(1));
  const interval = ci ? `, ${Math.round(ci.level * 100)}% block-bootstrap interval [${bound(ci.lower)}, ${bound(ci.upper)}]` : '';
  const ticks = typeof p.half_life_ticks === 'number' ? ` ≈ ${Math.round(p.half_life_ticks)} ticks` : '';
  const weak = p.significant ? '' : ' — not significant (the interval is unbounded)';
  return `${p.half_life.toFixed(1)} exposure units${ticks}${interval}, R² ${(p.r_squared ?? 0).toFixed(3)}, ${n} windows (its own history)${weak}`;
}
