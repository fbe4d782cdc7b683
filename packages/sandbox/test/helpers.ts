/** Shared test helpers: build the runner if dist is stale, drive ticks, wait for recovery. */
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MarketState, OrderIntent } from '@crowdalpha/engine';
import type { SandboxPool } from '../src/sandbox-pool.js';
import { syntheticMarketState } from '../src/synthetic-state.js';

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, f.name);
    newest = Math.max(newest, f.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * The pool spawns dist/runner.js: (re)build the package when dist is missing or older than src.
 * `tsc -b` also rebuilds the engine; if that is mid-edit, fall back to this project alone.
 */
export function ensureBuilt(): void {
  const dist = path.join(pkg, 'dist');
  if (existsSync(path.join(dist, 'runner.js')) && newestMtime(dist) >= newestMtime(path.join(pkg, 'src'))) return;
  const root = path.resolve(pkg, '..', '..');
  try {
    execSync('npx tsc -b packages/sandbox', { cwd: root, stdio: 'pipe' });
  } catch {
    execSync('npx tsc -p packages/sandbox', { cwd: root, stdio: 'inherit' });
  }
}

export function stateFor(agentId: string, tick = 50): MarketState {
  const s = syntheticMarketState(agentId);
  s.tick = tick;
  s.timestamp = tick * 100_000_000;
  return s;
}

/** One collect round for the given agents on synthetic states. */
export function tickOnce(pool: SandboxPool, ids: string[], tick = 50): Promise<Map<string, OrderIntent[]>> {
  return pool.collect(new Map(ids.map((id) => [id, stateFor(id, tick)])));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Ticks until `id` answers (e.g. after its runner was restarted); returns its orders. */
export async function waitForAnswer(pool: SandboxPool, id: string, timeoutMs = 10_000): Promise<OrderIntent[]> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const r = await tickOnce(pool, [id]);
    const orders = r.get(id);
    if (orders) return orders;
    await sleep(25);
  }
  throw new Error(`${id} did not answer within ${timeoutMs} ms; stats ${JSON.stringify(pool.stats(id))}`);
}

/** Ticks until the agent is silenced; returns its sandbox_error. */
export async function waitForSilence(pool: SandboxPool, id: string, timeoutMs = 10_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const err = pool.stats(id).sandbox_error;
    if (typeof err === 'string') return err;
    await tickOnce(pool, [id]);
    await sleep(10);
  }
  throw new Error(`${id} was not silenced within ${timeoutMs} ms; stats ${JSON.stringify(pool.stats(id))}`);
}

/** A well-behaved strategy reporting whether it sees pollution or foreign state. */
export const BENIGN = `
class Benign extends BaseAgent {
  constructor(o) { super(o); this.n = 0; }
  onTick(state) {
    this.n++;
    return [limit(Side.BID, state.mid - 0.01, 1), limit(Side.ASK, state.mid + 0.01, 1)];
  }
  factorVector() {
    return [
      this.n,
      ({}).polluted === undefined ? 0 : 1,
      [].polluted === undefined ? 0 : 1,
      typeof globalThis.secretOfA === 'undefined' ? 0 : 1,
    ];
  }
}`;
