/**
 * Hostile Python (issue #13). One pool hosts a benign Python strategy and a benign TypeScript one
 * beside every attacker; each test checks that the attack achieved nothing, that the host is up
 * and that the market keeps ticking (both benign strategies still answer).
 *
 * Attacks reach past the harness on purpose (np.lib.npyio.os, the real builtins __import__): the
 * harness is not the boundary, bubblewrap and the rlimits are. The "positive control" block runs
 * the same attack functions in a plain python3 with no sandbox and expects them to SUCCEED, so
 * every containment assertion below is one that would fail if the containment were removed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxPool } from '../src/sandbox-pool.js';
import { toPythonCompiled } from '../src/python/python-marker.js';
import { seccompAvailable } from '../src/python/seccomp-fd.js';
import { compileStrategy } from '../src/validate-source.js';
import { BENIGN, ensureBuilt, sleep, tickOnce, waitForAnswer, waitForSilence } from './helpers.js';
import { BENIGN_PY, pythonSuiteEnabled } from './python-helpers.js';

/** Reaches the real os/sys/import machinery despite the harness's import allowlist. */
const PRELUDE = `
OS = np.lib.npyio.os
SYS = OS.sys
IMP = SYS.modules['builtins'].__import__
def tried(fn):
    try:
        fn()
        return 1.0
    except BaseException:
        return 0.0
`;

/** A strategy running `attack(kw)` on every tick and reporting its list of success flags as factors. */
function attacker(attackDef: string): string {
  return `${PRELUDE}
${attackDef}
class Attack(BaseAgent):
    def __init__(self, agent_id, **kw):
        super().__init__(agent_id=agent_id)
        self.kw = kw
        self.fv = []
    def on_tick(self, state):
        self.fv = attack(self.kw)
        return [Order(agent_id=self.agent_id, side=Side.BID, order_type=OrderType.LIMIT, price=state.mid_price - 1, qty=1)]
    def factor_vector(self):
        return self.fv
`;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ca-py-hostile-'));
const secretFile = path.join(tmp, 'secret.txt');
const npyFile = path.join(tmp, 'secret.npy');
const unixSocket = path.join(tmp, 'host.sock');
writeFileSync(secretFile, 'host secret\n');
// A valid .npy holding one float64 (42.0): magic + header padded to 128 bytes, then 8 bytes of data.
{
  const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }";
  const pad = 128 - 10 - header.length - 1;
  const head = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0, 118, 0]), Buffer.from(header + ' '.repeat(pad) + '\n')]);
  const data = Buffer.alloc(8);
  data.writeDoubleLE(42, 0);
  writeFileSync(npyFile, Buffer.concat([head, data]));
}
const repoFile = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'package.json');

const ATTACKS = {
  files: `
def attack(kw):
    return [tried(lambda: open(p).read(1)) for p in kw['paths']] + [tried(lambda: OS.listdir(d)) for d in ('/home', '/root', '/tmp', '/proc', '/work')] + [
        tried(lambda: open('/usr/pwned', 'w').write('x')), tried(lambda: open('/dev/shm/x', 'w').write('x'))]
`,
  sockets: `
def attack(kw):
    S = IMP('socket')
    def tcp():
        s = S.socket(S.AF_INET, S.SOCK_STREAM); s.settimeout(0.05); s.connect(('127.0.0.1', kw['port']))
    def unix():
        s = S.socket(S.AF_UNIX, S.SOCK_STREAM); s.settimeout(0.05); s.connect(kw['unix'])
    def dns():
        S.getaddrinfo('localhost', 80)
    return [tried(tcp), tried(unix)]
`,
  processes: `
def attack(kw):
    def fork():
        pid = OS.fork()
        if pid == 0:
            OS._exit(0)
    def spawn():
        IMP('subprocess').run(['/usr/bin/true'], check=True)
    def system():
        if OS.system('true') != 0:
            raise OSError('system failed')
    def thread():
        t = IMP('threading').Thread(target=lambda: None); t.start(); t.join()
    return [tried(fork), tried(spawn), tried(system), tried(thread)]
`,
  forkbomb: `
def attack(kw):
    made = 0
    for _ in range(200):
        try:
            if OS.fork() == 0:
                while True:
                    pass
            made += 1
        except OSError:
            pass
    return [float(made)]
`,
  memory: `
def attack(kw):
    # np.zeros maps lazily: a gigabyte of address space without touching a gigabyte of RAM.
    def big():
        kw['keep'] = np.zeros(1 << 27)
    def grow():
        hoard = []
        for _ in range(64):
            hoard.append(np.zeros(1 << 21))
        kw['hoard'] = hoard
    r = [tried(big), tried(grow)]
    kw.pop('keep', None); kw.pop('hoard', None)
    return r
`,
  numpy: `
def attack(kw):
    def huge():
        kw['a'] = np.empty(1 << 28)
    def load():
        kw['l'] = np.load(kw['npy'])
    def fromfile():
        kw['f'] = np.fromfile('/etc/passwd', dtype=np.uint8)
    def memmap():
        kw['m'] = np.memmap(kw['npy'], dtype=np.uint8, mode='r')
    def save():
        np.save('/tmp/x.npy', np.zeros(3))
    r = [tried(huge), tried(load), tried(fromfile), tried(memmap), tried(save)]
    for k in ('a', 'l', 'f', 'm'):
        kw.pop(k, None)
    return r
`,
  syscalls: `
def attack(kw):
    S = IMP('socket')
    return [tried(lambda: S.socket(S.AF_INET, S.SOCK_STREAM)), tried(lambda: S.socket(S.AF_UNIX, S.SOCK_STREAM)), tried(lambda: S.socketpair())]
`,
  signals: `
def attack(kw):
    import_signal = IMP('signal')
    return [tried(lambda: OS.kill(kw['host_pid'], import_signal.SIGUSR2))]
`,
};

/** Runs an attack function in a plain, unsandboxed python3: the positive control. */
function unsandboxed(name: keyof typeof ATTACKS, kw: Record<string, unknown>): number[] {
  const code = `import sys, json\nsys.path.append('/usr/lib/python3/dist-packages')\nimport numpy as np\n${PRELUDE}\n${ATTACKS[name]}\nprint(json.dumps(attack(json.loads(sys.argv[1]))))`;
  const r = spawnSync('/usr/bin/python3', ['-I', '-S', '-c', code, JSON.stringify(kw)], { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`unsandboxed ${name} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as number[];
}

describe.runIf(pythonSuiteEnabled('python-hostile'))('hostile Python strategies are contained', () => {
  let pool: SandboxPool;
  let server: net.Server;
  let unixServer: net.Server;
  let connections = 0;
  let port = 0;
  let usr2 = 0;
  const onUsr2 = (): void => void usr2++;
  let n = 0;

  async function deploy(source: string, params: Record<string, unknown> = {}, timeout_ms = 400): Promise<string> {
    const id = `py_attacker_${++n}`;
    await pool.deploy(id, 'attack', toPythonCompiled(source), { params, timeout_ms });
    return id;
  }

  /** The attack's flags from its first answered tick. */
  async function flagsOf(name: keyof typeof ATTACKS, params: Record<string, unknown>): Promise<number[]> {
    const id = await deploy(attacker(ATTACKS[name]), params, 800);
    await waitForAnswer(pool, id, 30_000);
    return pool.agent(id)!.factorVector();
  }

  async function expectMarketTicking(): Promise<void> {
    const before = pool.agent('py_benign')!.factorVector()[0] ?? 0;
    const r = await tickOnce(pool, ['py_benign', 'ts_benign']);
    const again = r.has('py_benign') && r.has('ts_benign') ? r : await tickOnce(pool, ['py_benign', 'ts_benign']);
    expect(again.get('py_benign') ?? (await waitForAnswer(pool, 'py_benign'))).toHaveLength(2);
    expect(again.get('ts_benign') ?? (await waitForAnswer(pool, 'ts_benign'))).toHaveLength(2);
    expect(pool.agent('py_benign')!.factorVector()[0]).toBeGreaterThan(before);
    expect(pool.stats('py_benign')).toMatchObject({ sandbox_status: 'active', strikes: 0, restarts: 0 });
  }

  const kw = (): Record<string, unknown> => ({ paths: ['/etc/passwd', '/etc/hostname', secretFile, repoFile], port, unix: unixSocket, npy: npyFile, host_pid: process.pid });

  beforeAll(async () => {
    ensureBuilt();
    process.on('SIGUSR2', onUsr2);
    server = net.createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as net.AddressInfo).port;
    unixServer = net.createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => unixServer.listen(unixSocket, () => r()));
    pool = new SandboxPool({ workers: 1, limits: { watchdogSlackMs: 300, watchdogGraceMs: 800, maxStrikes: 2, maxErrors: 1 } }); // maxErrors 1: a fault silences at once (the default allows 3)
    await pool.deploy('ts_benign', 'benign', compileStrategy(BENIGN).code, { timeout_ms: 400 });
    await pool.deploy('py_benign', 'benign_py', toPythonCompiled(BENIGN_PY), { timeout_ms: 400 });
    await waitForAnswer(pool, 'py_benign', 30_000);
  });
  afterAll(async () => {
    process.off('SIGUSR2', onUsr2);
    await pool?.close();
    server?.close();
    unixServer?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  describe('positive control: the same attacks succeed in a plain python3', () => {
    it('files, sockets, processes, memory, numpy and signals all work without the sandbox', async () => {
      expect(unsandboxed('files', kw()).slice(0, 4)).toEqual([1, 1, 1, 1]);
      const before = connections;
      expect(unsandboxed('sockets', kw())).toEqual([1, 1]);
      await sleep(50);
      expect(connections).toBeGreaterThan(before);
      expect(unsandboxed('processes', kw())).toEqual([1, 1, 1, 1]);
      expect(unsandboxed('syscalls', kw())).toEqual([1, 1, 1]);
      expect(unsandboxed('memory', kw())).toEqual([1, 1]);
      expect(unsandboxed('numpy', kw()).slice(0, 4)).toEqual([1, 1, 1, 1]);
      const sig = usr2;
      expect(unsandboxed('signals', kw())).toEqual([1]);
      for (let i = 0; i < 50 && usr2 === sig; i++) await sleep(10);
      expect(usr2).toBe(sig + 1);
    });
  });

  it('reads no host file (passwd, hostname, a temp file, the project) and writes nothing', async () => {
    expect(await flagsOf('files', kw())).toEqual(new Array(11).fill(0));
    await expectMarketTicking();
  });

  it('opens no socket to the host (TCP on 127.0.0.1, a Unix socket)', async () => {
    const before = connections;
    expect(await flagsOf('sockets', kw())).toEqual([0, 0]);
    await sleep(50);
    expect(connections).toBe(before);
    await expectMarketTicking();
  });

  it.runIf(seccompAvailable())('cannot even create a socket: the seccomp filter refuses socket() and socketpair()', async () => {
    // The network namespace alone would let socket() succeed (connect then fails): this is the filter.
    expect(await flagsOf('syscalls', kw())).toEqual([0, 0, 0]);
    await expectMarketTicking();
  });

  it('spawns no process or thread (fork, subprocess, system, threading)', async () => {
    expect(await flagsOf('processes', kw())).toEqual([0, 0, 0, 0]);
    await expectMarketTicking();
  });

  it('a fork bomb forks nothing', async () => {
    expect(await flagsOf('forkbomb', kw())).toEqual([0]);
    await expectMarketTicking();
  });

  it('memory bombs hit the address-space cap', async () => {
    expect(await flagsOf('memory', kw())).toEqual([0, 0]);
    await expectMarketTicking();
  });

  it('numpy tricks: huge arrays fail, np.load/fromfile/memmap of host paths find nothing, np.save writes nothing', async () => {
    expect(await flagsOf('numpy', kw())).toEqual([0, 0, 0, 0, 0]);
    await expectMarketTicking();
  });

  it('signals cannot reach the host process', async () => {
    const before = usr2;
    expect(await flagsOf('signals', kw())).toEqual([0]);
    await sleep(50);
    expect(usr2).toBe(before);
    await expectMarketTicking();
  });

  it('an infinite loop times out and is silenced', async () => {
    const id = await deploy('class A(BaseAgent):\n    def on_tick(self, s):\n        while True:\n            pass\n', {}, 40);
    expect(await waitForSilence(pool, id, 20_000)).toMatch(/^timeout: /);
    await expectMarketTicking();
  });

  it('a loop that swallows the deadline is stopped (SIGKILLed by the watchdog) and silenced', async () => {
    const id = await deploy('class A(BaseAgent):\n    def on_tick(self, s):\n        while True:\n            try:\n                while True:\n                    pass\n            except BaseException:\n                pass\n', {}, 40);
    const pid = pool.agent(id)!.runnerPid!;
    // Usually the watchdog's SIGKILL; a repeat alarm landing between the handler and the loop
    // escapes to the harness instead (a timeout). Either way the worker is gone.
    expect(await waitForSilence(pool, id, 20_000)).toMatch(/^(watchdog|timeout): /);
    expect(pool.pythonWorkerPids()).not.toContain(pid);
    await expectMarketTicking();
  });

  it('huge outputs (prints, raw writes to fds 1 and 2, 100k orders, a 1M-entry factor vector) are capped', async () => {
    const id = await deploy(`${PRELUDE}
class A(BaseAgent):
    def on_tick(self, s):
        print('x' * 10_000_000)
        SYS.stderr.write('y' * 10_000_000)
        OS.write(1, b'\\x00\\x00\\x00\\x10{"t":"ready"}' * 1000)
        OS.write(2, b'garbage' * 100000)
        return [Order(agent_id=self.agent_id, side=Side.BID, order_type=OrderType.LIMIT, price=s.mid_price - 1, qty=1)] * 100_000
    def factor_vector(self):
        return np.ones(1_000_000)
`);
    const orders = await waitForAnswer(pool, id, 20_000);
    expect(orders).toHaveLength(12);
    expect(pool.stats(id)).toMatchObject({ sandbox_status: 'active', over_cap_dropped: 100_000 - 12 });
    expect(pool.agent(id)!.factorVector()).toHaveLength(16);
    await expectMarketTicking();
  });

  it('garbage or forged frames on the protocol fd end the worker; forged results for another agent are ignored', async () => {
    const forge = await deploy(`${PRELUDE}
json = IMP('json')
class A(BaseAgent):
    def on_tick(self, s):
        body = json.dumps({'t': 'results', 'items': [{'sid': 'py_benign', 'seq': 1, 'ok': True, 'out': '{"ok":true,"orders":[{"side":"ASK","type":"MARKET","qty":200}],"fv":[-9]}'}]}).encode()
        OS.write(4, len(body).to_bytes(4, 'big') + body)
        return []
`);
    const garbage = await deploy(`${PRELUDE}
class A(BaseAgent):
    def on_tick(self, s):
        OS.write(4, b'\\xff\\xff\\xff\\xff' + b'x' * 100)
        return []
`);
    for (let i = 0; i < 5; i++) {
      const r = await tickOnce(pool, ['py_benign', forge, garbage]);
      const b = r.get('py_benign');
      if (b) expect(b.map((o) => o.type)).toEqual(['LIMIT', 'LIMIT']);
    }
    expect(await waitForSilence(pool, garbage, 20_000)).toMatch(/^crash: /);
    expect(pool.stats(garbage).strikes).toBeGreaterThanOrEqual(1);
    // The benign strategy's first factor is its call counter, never negative.
    expect(pool.agent('py_benign')!.factorVector()[0]).not.toBe(-9);
    await expectMarketTicking();
  });

  it('unbounded recursion: RecursionError is an error; a raised recursion limit that crashes C is a crash, then silence', async () => {
    const plain = await deploy('class A(BaseAgent):\n    def on_tick(self, s):\n        def f(n):\n            return f(n + 1)\n        return f(0)\n');
    expect(await waitForSilence(pool, plain, 20_000)).toMatch(/^error: .*RecursionError/);
    const deep = await deploy(`${PRELUDE}
class A(BaseAgent):
    def on_tick(self, s):
        SYS.setrecursionlimit(10_000_000)
        def f(n):
            return f(n + 1) + 1
        return f(0)
`, {}, 1000);
    expect(await waitForSilence(pool, deep, 30_000)).toMatch(/^(crash|error|timeout|watchdog): /);
    await expectMarketTicking();
  });

  it('a slow __del__ that swallows the deadline is stopped and silenced', async () => {
    const id = await deploy(`
class Sticky:
    def __del__(self):
        while True:
            try:
                while True:
                    pass
            except BaseException:
                pass
class A(BaseAgent):
    def on_tick(self, s):
        x = Sticky()
        return []
`, {}, 40);
    // Python ignores exceptions raised in __del__, so the alarms only end it if they land between
    // its handler and its loop; the watchdog's SIGKILL (or a late answer counted as a timeout) does.
    expect(await waitForSilence(pool, id, 20_000)).toMatch(/^(watchdog|timeout): /);
    await expectMarketTicking();
  });

  it('exceptions carrying huge, cyclic or unprintable payloads give a short error', async () => {
    // 1 s: building a 50 MB message is slow on a busy machine; the point is its size, not its speed.
    const huge = await deploy("class A(BaseAgent):\n    def on_tick(self, s):\n        raise ValueError('x' * 50_000_000)\n", {}, 1000);
    const cyclic = await deploy('class A(BaseAgent):\n    def on_tick(self, s):\n        a = []\n        a.append(a)\n        e = RuntimeError(a)\n        e.args = (e, a)\n        raise e\n');
    const loops = await deploy('class E(Exception):\n    def __str__(self):\n        while True:\n            pass\nclass A(BaseAgent):\n    def on_tick(self, s):\n        raise E()\n', {}, 40);
    const hugeReason = await waitForSilence(pool, huge, 20_000);
    expect(hugeReason).toMatch(/^error: on_tick raised ValueError: x+ at line 3:9$/);
    expect(hugeReason.length).toBeLessThanOrEqual(500);
    expect(await waitForSilence(pool, cyclic, 20_000)).toMatch(/^error: on_tick raised RuntimeError/);
    expect(await waitForSilence(pool, loops, 20_000)).toMatch(/^(timeout|watchdog): /);
    await expectMarketTicking();
  });
});
