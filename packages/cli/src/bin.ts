#!/usr/bin/env node
/** The `crowdalpha` command. */
import { Command, Option } from 'commander';
import { intOption, readJsonFile } from './options.js';

// Command modules are imported when their command runs, not at start: a sweep or `--help` need not
// load Fastify, the sandbox or the plotting libraries. Start-up is a fixed cost every sweep, worker
// and `run` process pays (about 3 s of CPU with everything loaded eagerly), and in a sweep it is the
// serial part that keeps `--workers 2` from doubling `--workers 1`.
const cmd = {
  run: () => import('./run-command.js'),
  backtest: () => import('./backtest-command.js'),
  sweep: () => import('./sweep/sweep-command.js'),
  worker: () => import('./worker-command.js'),
  config: () => import('./config-list.js'),
  train: () => import('./rl/train-command.js'),
  evaluate: () => import('./rl/evaluate-command.js'),
  experiment: () => import('./experiment/experiment-command.js'),
};

// `crowdalpha config --list | head`: a closed pipe ends the listing, not a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const program = new Command();
program.name('crowdalpha').description('CrowdAlpha: a multi-agent limit order book market with crowding analytics').showHelpAfterError();

program
  .command('run')
  .description('run a market headless and print a summary')
  .option('--ticks <n>', 'ticks to simulate', intOption('--ticks', 1), 2000)
  .option('--seed <n>', 'random seed (same seed, same run)', intOption('--seed', 0, 2 ** 31 - 1), 42)
  .option('--population <preset>', 'population preset: market (default: the seed strategies on a background market) or seed (the original 3/3/2 market alone)')
  .option('--momentum <n>', 'momentum agents', intOption('--momentum', 0, 100_000))
  .option('--mean-reversion <n>', 'mean-reversion agents', intOption('--mean-reversion', 0, 100_000))
  .option('--market-makers <n>', 'market makers', intOption('--market-makers', 0, 100_000))
  .option('--config <file>', 'JSON file of config overrides (any SimulationConfig keys)')
  .option('--no-analytics', 'turn crowding and analytics off (faster)')
  .option('--out <file>', 'write the events as JSON lines (all, or those named by --events)')
  .option('--events <types>', 'only these event types in --out, e.g. TICK,ORDER_FILLED')
  .option('--tables <dir>', 'write columnar tables: ticks, fills and per-agent series (see --table-format)')
  .option('--table-format <f>', 'csv | parquet (default csv)')
  .option('--agent-every <n>', 'per-agent rows every n ticks in --tables (default 10)', intOption('--agent-every', 1))
  .option('--from-experiment <id>', 'reproduce a stored experiment run (with --run): its config, seed and ticks')
  .option('--run <k>', 'run index within --from-experiment (see experiment export: run_index)', intOption('--run', 0))
  .option('--database-url <url>', 'store of --from-experiment (DATABASE_URL, default sqlite:./data/crowdalpha.db)')
  .option('--report <file>', 'write a JSON research report (stylized facts, leaderboard, crowding, decay)')
  .option('--json', 'print the summary as JSON')
  .addOption(new Option('--no-progress', 'no progress bar'))
  .action(async (opts) => {
    process.exitCode = await (await cmd.run()).runCommand(opts);
  });

program
  .command('backtest')
  .description('run a strategy file (TypeScript, JavaScript or Python) in the sandbox against the default market; exit 0 = traded to the end, 1 = refused, 2 = bad input (or Python not installed), 3 = silenced')
  .argument('<file>', 'strategy source file, e.g. my_strategy.ts or my_strategy.py (.py is Python; other extensions are detected from the code)')
  .option('--ticks <n>', 'ticks to simulate', intOption('--ticks', 1), 5000)
  .option('--seed <n>', 'random seed', intOption('--seed', 0, 2 ** 31 - 1), 42)
  .option('--timeout-ms <n>', 'per-call deadline of the strategy, ms (5..1000)', intOption('--timeout-ms', 5, 1000))
  .option('--params <file>', 'JSON file of constructor options for the strategy')
  .option('--config <file>', 'JSON file of market config overrides')
  .option('--json', 'print the report as JSON')
  .option('--out <dir>', 'write trades.csv (every fill of the strategy) and equity.csv (per tick) into this directory')
  .addOption(new Option('--no-progress', 'no progress bar'))
  .action(async (file, opts) => {
    process.exitCode = await (await cmd.backtest()).backtestCommand(file, opts);
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
    process.exitCode = await (await cmd.sweep()).sweepCommand(opts);
  });

program
  .command('worker')
  .description('run sweep jobs from a Redis queue (see sweep --redis) until stopped; start any number on any hosts')
  .requiredOption('--redis <url>', 'Redis server of the queue, e.g. redis://127.0.0.1:6379')
  .option('--queue <name>', 'queue name (default crowdalpha-sweep)')
  .option('--concurrency <n>', 'runs at a time, each in a worker thread (default: one per core)', intOption('--concurrency', 1, 256))
  .option('--database-url <url>', 'store that experiment runs are written to (DATABASE_URL); the same database as the submitter')
  .option('--lock-ms <n>', 'job lock, ms: runs of a worker that dies are picked up by others after about this long', intOption('--lock-ms', 1_000, 3_600_000), 30_000)
  .action(async (opts) => {
    process.exitCode = await (await cmd.worker()).workerCommand(opts);
  });

program
  .command('config')
  .description('the configuration keys: default, valid range and description of each')
  .option('--list', 'list every key')
  .option('--json', 'as JSON')
  .option('--markdown', 'as the Markdown table of docs/CONFIG.md')
  .action(async (opts) => {
    process.exitCode = (await cmd.config()).configCommand(opts);
  });

program
  .command('train')
  .description('train a PPO policy in K parallel MarketEnvs; writes the model file and a learning-curve CSV')
  .option('--steps <n>', 'env steps to collect (summed over envs)', intOption('--steps', 1), 50_000)
  .option('--envs <k>', 'parallel markets', intOption('--envs', 1, 1024), 4)
  .option('--seed <n>', 'seeds the learner and the training markets (market seeds 1,000,000 + seed x 100,000 + ...)', intOption('--seed', 0, 9_999), 1)
  .option('--episode-ticks <n>', 'ticks per training episode', intOption('--episode-ticks', 1), 1000)
  .requiredOption('--out <file>', 'model file to write, e.g. model.json')
  .option('--curve <file>', 'learning-curve CSV (default: <out>.curve.csv)')
  .option('--config <file>', 'JSON file of market config overrides (population, rlPpo order sizes...)')
  .option('--ppo <file>', 'JSON file of PPO hyperparameters (hiddenLayers, hiddenUnits, rolloutLength, ...)')
  .option('--set <key=value>', 'one PPO hyperparameter, e.g. hiddenUnits=64 (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
  .option('--json', 'print the summary as JSON')
  .addOption(new Option('--no-progress', 'no progress bar'))
  .action(async (opts) => {
    process.exitCode = await (await cmd.train()).trainCommand(opts);
  });

program
  .command('evaluate')
  .description('learned policy vs the rl_ppo fallback vs hold: net PnL per agent on unseen seeds, with 95% intervals')
  .argument('<model>', 'model file from crowdalpha train')
  .option('--seeds <list>', 'evaluation seeds: lo..hi or a comma list', '1..5')
  .option('--episode-ticks <n>', 'ticks per evaluation episode', intOption('--episode-ticks', 1), 2000)
  .option('--config <file>', "JSON file of market config overrides (default: the model's training market)")
  .option('--json', 'print the results as JSON')
  .action(async (file, opts) => {
    process.exitCode = await (await cmd.evaluate()).evaluateCommand(file, opts);
  });

const experiment = program.command('experiment').description('named experiments (spec file: grid × seeds) stored in the project database');
const dbOption = (): Option => new Option('--database-url <url>', 'store: sqlite:<path> or postgres://… (DATABASE_URL, default sqlite:./data/crowdalpha.db)');

experiment
  .command('run')
  .description('validate a spec (JSON or YAML) and run it; each run is stored as it finishes')
  .argument('<spec>', 'spec file, e.g. examples/experiments/crowding-study.yaml')
  .option('--workers <n>', 'worker threads (default: one per core)', intOption('--workers', 1, 256))
  .option('--redis <url>', 'queue the runs for `crowdalpha worker` processes through this Redis')
  .option('--queue <name>', 'queue name on that Redis (default crowdalpha-sweep)')
  .option('--max-runs <n>', 'cap on points × seeds (overrides the spec\'s max_runs; default 10000)', intOption('--max-runs', 1))
  .addOption(dbOption())
  .addOption(new Option('--no-progress', 'no progress output'))
  .action(async (spec, opts) => {
    process.exitCode = await (await cmd.experiment()).experimentRunCommand(spec, opts);
  });

experiment
  .command('resume')
  .description('run the runs of a stored experiment that are not stored yet')
  .argument('<id>')
  .option('--workers <n>', 'worker threads (default: one per core)', intOption('--workers', 1, 256))
  .option('--redis <url>', 'queue the runs for `crowdalpha worker` processes through this Redis')
  .option('--queue <name>', 'queue name on that Redis (default crowdalpha-sweep)')
  .addOption(dbOption())
  .addOption(new Option('--no-progress', 'no progress output'))
  .action(async (id, opts) => {
    process.exitCode = await (await cmd.experiment()).experimentResumeCommand(id, opts);
  });

experiment
  .command('list')
  .description('stored experiments with status and progress')
  .option('--json', 'as JSON')
  .addOption(dbOption())
  .action(async (opts) => {
    process.exitCode = await (await cmd.experiment()).experimentListCommand(opts);
  });

experiment
  .command('summary')
  .description('per grid point: mean, sd and 95% interval over seeds of every figure')
  .argument('<id>')
  .option('--json', 'as JSON (every figure)')
  .addOption(dbOption())
  .action(async (id, opts) => {
    process.exitCode = await (await cmd.experiment()).experimentSummaryCommand(id, opts);
  });

experiment
  .command('export')
  .description('write a stored experiment as CSV, JSON lines or Parquet')
  .argument('<id>')
  .requiredOption('--format <f>', 'csv | jsonl | parquet')
  .requiredOption('--out <file>', 'file to write')
  .option('--table <t>', 'runs (one row per run) | agents (per agent per run) | strategies (per strategy type per run)', 'runs')
  .addOption(dbOption())
  .action(async (id, opts) => {
    process.exitCode = await (await cmd.experiment()).experimentExportCommand(id, opts);
  });

experiment
  .command('plot')
  .description('write the standard figures (mean over seeds with 95% intervals) as SVG and PNG, plus their Vega-Lite specs')
  .argument('<id>')
  .requiredOption('--out <dir>', 'directory to write, e.g. figs/')
  .option('--figures <list>', 'comma list (default: the spec\'s figures): impact_vs_param, phi_vs_param, half_life_vs_param, lfi_vs_param, crash_prone_vs_param, price_paths, stylized_facts')
  .option('--no-png', 'SVG only')
  .addOption(dbOption())
  .action(async (id, opts) => {
    process.exitCode = await (await cmd.experiment()).experimentPlotCommand(id, opts);
  });

experiment
  .command('cancel')
  .description('cancel an experiment: nothing new starts, runs already done are kept')
  .argument('<id>')
  .addOption(dbOption())
  .action(async (id, opts) => {
    process.exitCode = await (await cmd.experiment()).experimentCancelCommand(id, opts);
  });

const admin = program.command('admin').description('API keys of the server (in the store of --database-url / DATABASE_URL, like the server)');
admin
  .command('create-key')
  .description('create an API key and print it once (stdout)')
  .addOption(new Option('--role <role>', 'admin or user').choices(['admin', 'user']).default('user'))
  .option('--name <name>', 'who holds it (a student, a team); owner of what it deploys')
  .option('--json', 'print {key, summary} as JSON')
  .addOption(dbOption())
  .action(async (opts) => {
    const { createKeyCommand } = await import('./admin-command.js');
    process.exitCode = await createKeyCommand(opts);
  });
admin
  .command('list-keys')
  .description('every key: id, role, valid or revoked, holder (never the secret)')
  .option('--json', 'as JSON')
  .addOption(dbOption())
  .action(async (opts) => {
    const { listKeysCommand } = await import('./admin-command.js');
    process.exitCode = await listKeysCommand(opts);
  });
admin
  .command('revoke-key')
  .description('revoke a key: it stops working at once')
  .argument('<id>', 'key id, e.g. key_ab12cd34ef')
  .addOption(dbOption())
  .action(async (id, opts) => {
    const { revokeKeyCommand } = await import('./admin-command.js');
    process.exitCode = await revokeKeyCommand(id, opts);
  });
admin
  .command('rotate-key')
  .description('give a key a new secret (same id, role and ownership) and print it once')
  .argument('<id>', 'key id')
  .option('--json', 'print {key, summary} as JSON')
  .addOption(dbOption())
  .action(async (id, opts) => {
    const { rotateKeyCommand } = await import('./admin-command.js');
    process.exitCode = await rotateKeyCommand(id, opts);
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
  .option('--experiment-workers <n>', 'worker threads for POST /experiments (default: one per core but one)', intOption('--experiment-workers', 1, 256))
  .option('--redis <url>', 'run POST /experiments on `crowdalpha worker` processes through this Redis instead')
  .option('--queue <name>', 'queue name on that Redis (default crowdalpha-sweep)')
  .action(async (opts) => {
    const { runServerProcess } = await import('@crowdalpha/server');
    const { CliExperimentService } = await import('./experiment/experiment-service.js');
    const { checkQueueName, DEFAULT_SWEEP_QUEUE } = await import('./sweep/sweep-queue.js');
    const queue = checkQueueName(opts.queue ?? DEFAULT_SWEEP_QUEUE);
    const experiments = (store: import('@crowdalpha/server').Store) =>
      new CliExperimentService(store, {
        ...(opts.experimentWorkers !== undefined ? { workers: opts.experimentWorkers } : {}),
        ...(opts.redis !== undefined ? { redis: { redisUrl: opts.redis, queue } } : {}),
        onError: (err, id) => process.stderr.write(`experiment ${id} stopped: ${err.message}\n`),
      });
    await runServerProcess({
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      ...(opts.host !== undefined ? { host: opts.host } : {}),
      ...(opts.databaseUrl !== undefined ? { databaseUrl: opts.databaseUrl } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.tickDelayMs !== undefined ? { tickDelayMs: opts.tickDelayMs } : {}),
      ...(opts.config !== undefined ? { marketConfig: readJsonFile(opts.config, 'config') } : {}),
    }, { experiments });
  });

await program.parseAsync(process.argv);
