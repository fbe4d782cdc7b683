/**
 * `crowdalpha backtest <file>`: runs a strategy file in the same sandbox as a live deploy against
 * the default market and prints its diagnostics. Validation errors come back with line:column.
 */
import { readFileSync } from 'node:fs';
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
}

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
  log(opts.json ? JSON.stringify(report) : formatReport(report));
  return 0;
}

/** .py is Python, .ts/.js/.mjs TypeScript; any other extension is detected from the source. */
function languageOfFile(file: string): StrategyLanguage | undefined {
  if (/\.py$/i.test(file)) return 'python';
  if (/\.(ts|mts|js|mjs)$/i.test(file)) return 'typescript';
  return undefined;
}

function formatReport(r: BacktestReport): string {
  const f = (v: number | null | undefined, d = 4) => (v === null || v === undefined ? 'n/a' : v.toFixed(d));
  return [
    `strategy       ${r.strategy_class} as ${r.agent_id} (seed ${r.seed}, ${r.ticks_run}/${r.ticks} ticks)`,
    r.silenced ? `SILENCED       at tick ${r.silenced_at_tick}: ${r.silenced}` : `status         traded to the end`,
    `equity         ${f(r.pnl, 2)} (cash + inventory × mid, SPEC PnL; realized ${f(r.realized_pnl, 2)})`,
    `sharpe         ${f(r.sharpe, 3)}`,
    `fills          ${r.fills} (bought ${r.total_buy_qty}, sold ${r.total_sell_qty}, inventory ${r.final_inventory})`,
    `orders         ${r.orders_submitted} submitted, ${r.orders_rejected} rejected`,
    `impact cost    ${f(r.impact_cost, 2)}`,
    `crowding phi   ${f(r.phi, 3)} (mean ${f(r.phi_mean, 3)})`,
    `half-life      ${r.half_life === null ? 'not fitted (too little crowding exposure yet)' : f(r.half_life, 1)}`,
    `wall time      ${r.wall_ms} ms`,
  ].join('\n');
}
