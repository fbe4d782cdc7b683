// Every workspace package's public surface is a curated list (issue #12 point 4): no `export *`
// in a public entry, every `exports` subpath backed by a source file, internals only through the
// documented `./internal` entries. Checked for all packages here because the rule is one rule.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const packages = path.resolve(import.meta.dirname, '..', '..');
const names = fs.readdirSync(packages).filter((p) => fs.existsSync(path.join(packages, p, 'package.json')));
const manifest = (p: string) => JSON.parse(fs.readFileSync(path.join(packages, p, 'package.json'), 'utf8')) as { exports?: Record<string, unknown>; main?: string };

/** `./dist/a/b.js` → `src/a/b.ts`. */
const sourceOf = (target: string) => target.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$|\.js$/, '.ts');

describe('package entries', () => {
  it('every exports subpath (and main) points at a module that exists in src', () => {
    const missing: string[] = [];
    for (const p of names) {
      const m = manifest(p);
      const targets: string[] = [];
      for (const [sub, t] of Object.entries(m.exports ?? {})) {
        if (sub === './package.json') continue;
        const entry = t as { types?: string; default?: string };
        targets.push(entry.types ?? '', entry.default ?? '');
      }
      if (m.main) targets.push(m.main);
      for (const t of targets) if (!fs.existsSync(path.join(packages, p, sourceOf(t)))) missing.push(`${p}: ${t}`);
    }
    expect(missing).toEqual([]);
  });

  it('public entries list what they export (no `export *` of whole modules); only ./internal entries may', () => {
    const offenders: string[] = [];
    for (const p of names) {
      for (const [sub, t] of Object.entries(manifest(p).exports ?? {})) {
        if (sub === './package.json' || sub === './internal') continue;
        const file = path.join(packages, p, sourceOf((t as { default: string }).default));
        const text = fs.readFileSync(file, 'utf8');
        // `export * as ns` is a named namespace (the SDK); a bare `export *` re-exports a module wholesale.
        // The wire contract's index re-exports its own schema modules, which are the contract.
        if (/^export \* from /m.test(text) && !file.endsWith(path.join('engine', 'src', 'wire', 'index.ts'))) offenders.push(`${p} ${sub}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the engine keeps its building blocks in @crowdalpha/engine/internal, not in the public index', async () => {
    const pub = await import('../src/index.js');
    const internal = await import('../src/internal.js');
    const internals = ['FillBuffer', 'MatchingEngine', 'OrderBook', 'TickGrid', 'Ledger', 'Float64Ring', 'RingBuffer', 'similarityPass', 'jacobiEigen', 'Mlp', 'gae', 'makeEvent'];
    expect(internals.filter((n) => n in pub)).toEqual([]);
    expect(internals.filter((n) => !(n in internal))).toEqual([]);
    // What the other packages and the README's examples use stays public.
    for (const n of ['Simulation', 'BaseAgent', 'MomentumAgent', 'createBuiltinAgent', 'defaultConfig', 'resolveConfig', 'EventType', 'depthToWire', 'MarketEnv', 'RlPpoAgent', 'RejectCode']) expect(pub).toHaveProperty(n);
  });
});
