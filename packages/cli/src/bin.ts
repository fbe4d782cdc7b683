#!/usr/bin/env node
/** The `crowdalpha` command. */
import { Command, Option } from 'commander';
import { intOption, readJsonFile } from './options.js';
import { backtestCommand } from './backtest-command.js';
import { runCommand } from './run-command.js';
import { sweepCommand } from './sweep/sweep-command.js';
import { workerCommand } from './worker-command.js';

const program = new Command();
program.name('crowdalpha').description('CrowdAlpha: a multi-agent limit order book market with crowding analytics').showHelpAfterError();

program
  .command('run')
  .description('run a market headless and print a summary')
  .option('--ticks <n>', 'ticks to simulate', intOption('--ticks', 1), 2000)
  .option('--seed <n>', 'random seed (same seed, same run)', intOption('--seed', 0, 2 ** 31 - 1), 42)
  .option('--momentum <n>', 'momentum agents', intOption('--momentum', 0, 100_000))
  .option('--mean-reversion <n>', 'mean-reversion agents', intOption('--mean-reversion', 0, 100_000))
  .option('--market-makers <n>', 'market makers', intOption('--market-makers', 0, 100_000))
  .option('--config <file>', 'JSON file of config overrides (any SimulationConfig keys)')
  .option('--no-analytics', 'turn crowding and analytics off (faster)')
  .option('--out <file>', 'write every event as JSON lines')
  .option('--report <file>', 'write a JSON research report (stylized facts, leaderboard, crowding, decay)')
  .option('--json', 'print the summary as JSON')
  .addOption(new Option('--no-progress', 'no progress bar'))
  .action(async (opts) => {
    process.exitCode = await runCommand(opts);
  });

program
  .command('backtest')
  .description('run a strategy file (TypeScript or JavaScript) in the sandbox against the default market')
  .argument('<file>', 'strategy source file, e.g. my_strategy.ts')
  .option('--ticks <n>', 'ticks to simulate', intOption('--ticks', 1), 5000)
  .option('--seed <n>', 'random seed', intOption('--seed', 0, 2 ** 31 - 1), 42)
  .option('--timeout-ms <n>', 'per-call deadline of the strategy, ms (5..1000)', intOption('--timeout-ms', 5, 1000))
  .option('--params <file>', 'JSON file of constructor options for the strategy')
  .option('--config <file>', 'JSON file of market config overrides')
  .option('--json', 'print the report as JSON')
  .addOption(new Option('--no-progress', 'no progress bar'))
  .action(async (file, opts) => {
    process.exitCode = await backtestCommand(file, opts);
  });

program
  .command('sweep')
  .description('run a grid of config overrides x seeds on worker threads; one CSV row per run')
  .option('--ticks <n>', 'ticks per run', intOption('--ticks', 1), 2000)
  .option('--seeds <list>', 'seeds: lo..hi or a comma list', '1..3')
  .option('--set <path=values>', 'a swept parameter, e.g. crowding.kappa=0,6,18 (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
  .option('--config <file>', 'JSON file of config overrides shared by every run')
  .requiredOption('--out <file>', 'CSV file to write')
  .option('--jsonl <file>', 'also write the rows as JSON lines')
  .option('--workers <n>', 'worker threads (default: one per core)', intOption('--workers', 1, 256))
  .option('--redis <url>', 'distribute the runs to `crowdalpha worker` processes through this Redis, e.g. redis://127.0.0.1:6379')
  .option('--queue <name>', 'queue name on that Redis (default crowdalpha-sweep)')
  .addOption(new Option('--no-progress', 'no progress bar'))
  .action(async (opts) => {
    process.exitCode = await sweepCommand(opts);
  });

program
  .command('worker')
  .description('run sweep jobs from a Redis queue (see sweep --redis) until stopped; start any number on any hosts')
  .requiredOption('--redis <url>', 'Redis server of the queue, e.g. redis://127.0.0.1:6379')
  .option('--queue <name>', 'queue name (default crowdalpha-sweep)')
  .option('--concurrency <n>', 'runs at a time, each in a worker thread (default: one per core)', intOption('--concurrency', 1, 256))
  .action(async (opts) => {
    process.exitCode = await workerCommand(opts);
  });

program
  .command('serve')
  .description('start the live server: REST + WebSocket API and the dashboard (options also from the environment; see README)')
  .option('--port <n>', 'TCP port (PORT, default 8000)', intOption('--port', 0, 65535))
  .option('--host <addr>', 'bind address (HOST, default 127.0.0.1)')
  .option('--database-url <url>', 'sqlite:<path> or postgres://... (DATABASE_URL, default sqlite:./data/crowdalpha.db)')
  .option('--seed <n>', 'seed of a fresh market (CROWDALPHA_SEED, default 42)', intOption('--seed', 0, 2 ** 31 - 1))
  .option('--tick-delay-ms <n>', 'ms between ticks (CROWDALPHA_TICK_DELAY_MS, default 100)', intOption('--tick-delay-ms', 0, 60_000))
  .option('--config <file>', 'JSON file of engine config overrides for a fresh market')
  .action(async (opts) => {
    const { runServerProcess } = await import('@crowdalpha/server');
    await runServerProcess({
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      ...(opts.host !== undefined ? { host: opts.host } : {}),
      ...(opts.databaseUrl !== undefined ? { databaseUrl: opts.databaseUrl } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.tickDelayMs !== undefined ? { tickDelayMs: opts.tickDelayMs } : {}),
      ...(opts.config !== undefined ? { marketConfig: readJsonFile(opts.config, 'config') } : {}),
    });
  });

await program.parseAsync(process.argv);
