/**
 * A distributed experiment against the real Redis and PostgreSQL: two `crowdalpha worker`
 * processes take the runs, one is killed with SIGKILL in the middle of a run, its run is picked
 * up by the other once its lock lapses, and the experiment completes with every run stored exactly
 * once — with the same figures as the same spec run embedded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { dropPostgresSchema, Store } from '@crowdalpha/server';
import { redisOptions } from '../src/sweep/redis-connection.js';
import { postgresBaseUrl, uniqueSchema } from '../../server/test/helpers.js';
import { bin, cli } from './helpers.js';
import { REDIS_URL, redisAvailable } from './redis.js';

const hasRedis = await redisAvailable();
const pgBase = hasRedis ? await postgresBaseUrl() : null;
const dir = mkdtempSync(path.join(tmpdir(), 'crowdalpha-expq-'));
const queueName = `test-exp-${randomBytes(4).toString('hex')}`;
const dbUrl = pgBase ? `${pgBase}?schema=${uniqueSchema()}` : '';
const procs: ChildProcess[] = [];

function spawnCli(args: string[]): { proc: ChildProcess; out: () => string; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(proc);
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (c) => r(c)));
  return { proc, out: () => out, exited };
}

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterAll(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  if (hasRedis) {
    const q = new Queue(queueName, { connection: redisOptions(REDIS_URL) });
    await q.obliterate({ force: true }).catch(() => undefined);
    await q.close();
  }
  if (dbUrl) await dropPostgresSchema(dbUrl);
});

describe.skipIf(!hasRedis || !pgBase)('distributed experiment with a worker killed mid-run', () => {
  it('completes with every run stored exactly once and the same figures as an embedded run', async () => {
    const spec = path.join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify({ name: 'kill-test', grid: { 'crowding.kappa': [0, 18] }, seeds: [1, 2, 3], ticks: 1500 }));
    const worker = (): ReturnType<typeof spawnCli> =>
      spawnCli(['worker', '--redis', REDIS_URL, '--queue', queueName, '--concurrency', '1', '--database-url', dbUrl, '--lock-ms', '2000']);
    const a = worker();
    const b = worker();
    await until(() => a.out().includes('worker ready') && b.out().includes('worker ready'), 'workers to start');

    const run = spawnCli(['experiment', 'run', spec, '--redis', REDIS_URL, '--queue', queueName, '--database-url', dbUrl, '--no-progress']);
    // Kill A as soon as it has started a run (before it can finish it).
    await until(() => /^start /m.test(a.out()), 'worker A to take a run');
    const killedJob = /^start\s+(\S+)/m.exec(a.out())![1]!;
    a.proc.kill('SIGKILL');
    expect(await run.exited).toBe(0);
    expect(run.out()).toContain('6/6 runs stored, 0 failed, status done');
    const id = /id\s+(exp_\S+)/.exec(run.out())![1]!;
    // A never finished the run it was killed in; B finished it.
    expect(a.out()).not.toContain(`done    ${killedJob}`);
    expect(b.out()).toContain(`done    ${killedJob}`);

    const store = await Store.open(dbUrl);
    let rows;
    try {
      rows = await store.experiments.runs(id);
      expect(await store.experiments.progress(id)).toEqual({ total: 6, done: 6, failed: 0 });
      expect(await store.experiments.failures(id)).toEqual([]);
    } finally {
      await store.close();
    }
    expect(rows.map((r) => r.run_index)).toEqual([0, 1, 2, 3, 4, 5]);

    const local = await cli('experiment', 'run', spec, '--workers', '2', '--no-progress', '--database-url', dbUrl);
    expect(local.code, local.stderr).toBe(0);
    const localId = /id\s+(exp_\S+)/.exec(local.stdout)![1]!;
    const check = await Store.open(dbUrl);
    try {
      const localRows = await check.experiments.runs(localId);
      expect(localRows.map((r) => [r.run_index, r.row, r.agents, r.strategies, r.path, r.overrides])).toEqual(rows.map((r) => [r.run_index, r.row, r.agents, r.strategies, r.path, r.overrides]));
    } finally {
      await check.close();
    }
    b.proc.kill('SIGTERM');
    expect(await b.exited).toBe(0);
  }, 240_000);

  it('retries a failing run with backoff, then puts it on the dead-letter list with its error', async () => {
    const store = await Store.open(dbUrl);
    const queue = new Queue(queueName, { connection: redisOptions(REDIS_URL) });
    try {
      await store.experiments.create({ id: 'exp_deadletter', name: 'dl', description: '', spec: '{}', status: 'running', runner: `queue:${queueName}`, total_runs: 1, project_version: '0.0.0' });
      // A run whose config the engine refuses at run time (a spec would have been refused up front;
      // this job is written to the queue directly, as a buggy or hostile client could).
      await queue.add(
        'experiment-run',
        { experimentId: 'exp_deadletter', index: 0, params: { 'crowding.kappa': -1 }, base: {}, overrides: { crowding: { kappa: -1 } }, seed: 1, ticks: 10 },
        { jobId: 'exp_deadletter-0', attempts: 3, backoff: { type: 'exponential', delay: 200 } },
      );
      const w = spawnCli(['worker', '--redis', REDIS_URL, '--queue', queueName, '--concurrency', '1', '--database-url', dbUrl]);
      await until(() => (w.out().match(/^failed\s+exp_deadletter-0/gm) ?? []).length === 3, 'three failed attempts', 90_000);
      const failures = await store.experiments.failures('exp_deadletter');
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({ run_index: 0, attempts: 3 });
      expect(failures[0]!.error).toContain('config.crowding.kappa: must be >= 0');
      expect(await store.experiments.progress('exp_deadletter')).toEqual({ total: 1, done: 0, failed: 1 });
      w.proc.kill('SIGTERM');
      expect(await w.exited).toBe(0);
    } finally {
      await queue.close();
      await store.close();
    }
  }, 180_000);
});
