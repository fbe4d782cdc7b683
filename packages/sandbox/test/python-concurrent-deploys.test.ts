/**
 * Many Python strategies started together (a class restoring its strategies after a restart, a
 * bench deploying 100): every one starts and trades. Worker starts queue through a StartGate, so
 * each start's spawn deadline measures that start, not the crowd ahead of it; and a worker killed
 * at its spawn deadline never counts as started, even when its ready frame was already in flight.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SandboxPool } from '../src/sandbox-pool.js';
import { StartGate } from '../src/python/start-gate.js';
import { PythonWorker } from '../src/python/python-worker.js';
import { DEFAULT_PYTHON_RUNTIME } from '../src/python/bwrap-command.js';
import { defaultLimits } from '../src/limits.js';
import { toPythonCompiled } from '../src/python/python-marker.js';
import { ensureBuilt, sleep, tickOnce } from './helpers.js';
import { BENIGN_PY, pythonSuiteEnabled } from './python-helpers.js';

describe('StartGate', () => {
  it('runs at most `limit` starts at once, in arrival order, and a failed start frees its place', async () => {
    const gate = new StartGate(3);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const jobs = Array.from({ length: 12 }, (_, i) =>
      gate
        .run(async () => {
          order.push(i);
          running++;
          most = Math.max(most, running);
          await sleep(5);
          running--;
          if (i % 4 === 0) throw new Error(`start ${i} failed`);
          return i;
        })
        .catch((e: Error) => e.message),
    );
    expect(gate.waiting).toBe(9);
    const out = await Promise.all(jobs);
    expect(most).toBe(3);
    expect(order).toEqual([...Array(12).keys()]);
    expect(out[4]).toBe('start 4 failed');
    expect(out[5]).toBe(5);
    expect(gate.waiting).toBe(0);
    expect(() => new StartGate(0)).toThrow(/positive integer/);
  });
});

describe.runIf(pythonSuiteEnabled('python-concurrent-deploys'))('many Python strategies deployed at once', () => {
  let pool: SandboxPool | undefined;
  afterAll(async () => {
    await pool?.close();
  });

  it('a worker killed at its spawn deadline is never ready, even with its ready frame in flight', async () => {
    const limits = defaultLimits();
    const w = new PythonWorker(DEFAULT_PYTHON_RUNTIME, {
      memoryMb: limits.pythonMemoryMb,
      cpuSeconds: limits.pythonCpuSeconds,
      maxFiles: limits.pythonMaxFiles,
      spawnTimeoutMs: 1,
      maxOutputBytes: limits.maxOutputBytes,
    });
    await expect(w.ready).rejects.toThrow(/did not start within 1 ms/);
    await new Promise<void>((r) => (w.alive ? w.child.once('exit', () => r()) : r()));
    expect(w.readyAt).toBeNull();
  });

  it('60 deployed concurrently into one pool all start and all trade on the next tick', async () => {
    ensureBuilt();
    pool = new SandboxPool({ workers: 1, seed: 3, limits: { watchdogSlackMs: 2_000 } });
    const code = toPythonCompiled(BENIGN_PY);
    const ids = Array.from({ length: 60 }, (_, i) => `crowd_${i}`);
    const deployed = await Promise.allSettled(ids.map((id) => pool!.deploy(id, 'benign', code)));
    const refused = deployed.flatMap((d, i) => (d.status === 'rejected' ? [`${ids[i]}: ${(d.reason as Error).message}`] : []));
    expect(refused).toEqual([]);
    expect(pool.pythonWorkerPids()).toHaveLength(60);
    const answered = await tickOnce(pool, ids);
    expect([...answered.keys()].sort()).toEqual([...ids].sort());
    for (const id of ids) expect(answered.get(id)).toHaveLength(2);
  }, 180_000);
});
