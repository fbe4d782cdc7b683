/**
 * Distributed sweeps against a real Redis: `crowdalpha worker` processes take the runs that
 * `crowdalpha sweep --redis` queues, and the CSV equals a local sweep's (wall time aside).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { redisOptions } from '../src/sweep/redis-connection.js';
import { bin, cli } from './helpers.js';
import { REDIS_URL, redisAvailable } from './redis.js';

const dir = mkdtempSync(path.join(tmpdir(), 'crowdalpha-queue-'));
const queueName = `test-sweep-${randomBytes(4).toString('hex')}`;
const workers: ChildProcess[] = [];
const hasRedis = await redisAvailable();

function startWorker(concurrency: number): Promise<{ proc: ChildProcess; out: () => string }> {
  const proc = spawn(process.execPath, [bin, 'worker', '--redis', REDIS_URL, '--queue', queueName, '--concurrency', String(concurrency)], { stdio: ['ignore', 'pipe', 'pipe'] });
  workers.push(proc);
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${out}`)), 20_000);
    proc.stdout!.on('data', () => {
      if (out.includes('worker ready')) {
        clearTimeout(timer);
        resolve({ proc, out: () => out });
      }
    });
    proc.on('exit', (code) => reject(new Error(`worker exited with ${code}: ${out}`)));
  });
}

/** CSV rows as records, without the wall-clock column. */
function table(file: string): Record<string, string>[] {
  const [header, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  const cols = header!.split(',');
  return rows.map((r) => {
    const rec = Object.fromEntries(r.split(',').map((v, i) => [cols[i]!, v]));
    delete rec['wall_ms'];
    return rec;
  });
}

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  if (hasRedis) {
    const q = new Queue(queueName, { connection: redisOptions(REDIS_URL) });
    await q.obliterate({ force: true }).catch(() => undefined);
    await q.close();
  }
});

describe.skipIf(!hasRedis)('crowdalpha sweep --redis with crowdalpha worker', () => {
  it('runs every job on the workers and writes the same CSV as a local sweep', async () => {
    const a = await startWorker(1);
    const b = await startWorker(1);
    const grid = ['--ticks', '120', '--seeds', '1..3', '--set', 'crowding.kappa=0,18', '--no-progress'];
    const remote = await cli('sweep', ...grid, '--redis', REDIS_URL, '--queue', queueName, '--out', path.join(dir, 'remote.csv'));
    expect(remote.code, remote.stderr).toBe(0);
    expect(remote.stdout).toContain(`through queue "${queueName}"`);
    const local = await cli('sweep', ...grid, '--out', path.join(dir, 'local.csv'));
    expect(local.code, local.stderr).toBe(0);
    const rows = table(path.join(dir, 'remote.csv'));
    expect(rows).toHaveLength(6);
    expect(rows).toEqual(table(path.join(dir, 'local.csv')));
    // Every run was done by one of the two workers, once.
    const done = (a.out() + b.out()).split('\n').filter((l) => l.startsWith('done'));
    expect(done).toHaveLength(6);

    // A graceful stop finishes and exits 0.
    a.proc.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => a.proc.on('exit', (c) => r(c)));
    expect(code).toBe(0);
  }, 120_000);
});

describe('crowdalpha sweep/worker --redis input errors', () => {
  it('names an unreachable Redis and exits 2 without waiting', async () => {
    const r = await cli('sweep', '--ticks', '10', '--redis', 'redis://127.0.0.1:1', '--out', path.join(dir, 'x.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot reach Redis at redis://127.0.0.1:1');
    const w = await cli('worker', '--redis', 'redis://127.0.0.1:1');
    expect(w.code).toBe(2);
    expect(w.stderr).toContain('cannot reach Redis at redis://127.0.0.1:1');
  });

  it('refuses a malformed URL, a bad queue name, --workers with --redis and --queue without it', async () => {
    const url = await cli('worker', '--redis', 'http://127.0.0.1:6379');
    expect(url.code).toBe(2);
    expect(url.stderr).toContain('--redis must use redis:// or rediss://');
    const q = await cli('sweep', '--ticks', '10', '--redis', REDIS_URL, '--queue', 'a b', '--out', path.join(dir, 'x.csv'));
    expect(q.code).toBe(2);
    expect(q.stderr).toContain('--queue must be 1-100 letters');
    const both = await cli('sweep', '--ticks', '10', '--redis', REDIS_URL, '--workers', '2', '--out', path.join(dir, 'x.csv'));
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--workers sets the local thread pool');
    const lone = await cli('sweep', '--ticks', '10', '--queue', 'q', '--out', path.join(dir, 'x.csv'));
    expect(lone.code).toBe(2);
    expect(lone.stderr).toContain('--queue needs --redis');
  });
});
