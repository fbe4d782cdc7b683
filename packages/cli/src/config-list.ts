/**
 * `crowdalpha config --list`: every configuration key with its default, its valid range and its
 * description — generated, never hand-copied, so keys other people add show up by themselves:
 *
 *   keys and defaults  from the engine's `defaultConfig()`
 *   ranges             from `resolveConfig()` itself: each key is probed with a few out-of-range
 *                      values and the validator's own messages are collected
 *   descriptions       from the doc comments of the config interfaces (the engine's config.d.ts,
 *                      which the compiler writes from config.ts)
 *   units              from the `@unit` tag that ends each of those doc comments
 *
 * A key without a description or a unit is a test failure (test/config-list.test.ts), so a key
 * added to config.ts without saying what it is and in what it is measured does not land.
 *
 * `docs/CONFIG.md` is this table as Markdown (`npm run docs:config`); a test keeps it in step.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, defaultConfig, resolveConfig } from '@crowdalpha/engine';

export interface ConfigKey {
  key: string;
  default: unknown;
  type: string;
  range: string;
  /** What the value is measured in (`@unit` of its doc comment), e.g. "ticks", "price", "share (0–1)". */
  unit: string;
  description: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface MemberDoc {
  type: string;
  doc: string;
  /** The `@unit` tag's text ('' without one). */
  unit: string;
}

/** Interface name → member name → { type, doc, unit }, read from a .d.ts text. */
export function parseInterfaces(dts: string): Map<string, Map<string, MemberDoc>> {
  const out = new Map<string, Map<string, MemberDoc>>();
  const iface = /export interface (\w+) \{([\s\S]*?)\n\}/g;
  for (let m = iface.exec(dts); m; m = iface.exec(dts)) {
    const members = new Map<string, MemberDoc>();
    const member = /(?:\/\*\*([\s\S]*?)\*\/\s*)?\n\s*(\w+)\??: ([^;]+);/g;
    const body = '\n' + m[2]!;
    for (let mm = member.exec(body); mm; mm = member.exec(body)) {
      const text = (mm[1] ?? '')
        .split('\n')
        .map((l) => l.replace(/^\s*\*?\s?/, '').trim())
        .filter(Boolean)
        .join(' ');
      const unit = /(?:^|\s)@unit\s+(.+?)\s*$/.exec(text);
      members.set(mm[2]!, { type: mm[3]!.trim(), doc: unit ? text.slice(0, unit.index).trim() : text, unit: unit?.[1] ?? '' });
    }
    out.set(m[1]!, members);
  }
  return out;
}

/** `{a: {b: value}}` for the path a.b. */
function nested(path: string[], value: unknown): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let node = root;
  for (const k of path.slice(0, -1)) node = node[k] = {} as Record<string, unknown>;
  node[path[path.length - 1]!] = value;
  return root;
}

/** What resolveConfig says about out-of-range values of this key (its own words). */
function probeRange(path: string[], def: unknown): string {
  const probes: unknown[] = typeof def === 'number' ? [-1, 0, 0.5, 1.5, 1e9 + 0.5] : typeof def === 'boolean' ? ['x'] : typeof def === 'string' ? ['?'] : [];
  const rules: string[] = [];
  for (const p of probes) {
    try {
      resolveConfig(nested(path, p));
    } catch (err) {
      if (!(err instanceof ConfigError)) continue;
      // A probe can trip a rule of another key (tickSize vs initialPrice): that one is listed there.
      if (err.path !== path.join('.')) continue;
      const rule = err.message.replace(/^config\.[\w.()]+: /, '').replace(/,? got .*$/, '');
      if (!rules.includes(rule)) rules.push(rule);
    }
  }
  return rules.join('; ');
}

/** Every leaf key of the config, in declaration order. */
export function configKeys(dtsText: string = readFileSync(engineConfigDts(), 'utf8')): ConfigKey[] {
  const ifaces = parseInterfaces(dtsText);
  const out: ConfigKey[] = [];
  const walk = (obj: Record<string, unknown>, prefix: string[], ifaceName: string | null): void => {
    const members = ifaceName ? ifaces.get(ifaceName) : undefined;
    for (const [k, v] of Object.entries(obj)) {
      const m = members?.get(k);
      const path = [...prefix, k];
      if (isRecord(v)) {
        walk(v, path, m && ifaces.has(m.type) ? m.type : null);
        continue;
      }
      out.push({
        key: path.join('.'),
        default: v,
        type: Array.isArray(v) ? 'list' : m?.type && /'/.test(m.type) ? m.type.replace(/'/g, '"') : typeof v,
        range: probeRange(path, v),
        unit: m?.unit ?? '',
        description: m?.doc ?? '',
      });
    }
  };
  walk(defaultConfig() as unknown as Record<string, unknown>, [], 'SimulationConfig');
  return out;
}

export function engineConfigDts(): string {
  return fileURLToPath(new URL('./config.d.ts', import.meta.resolve('@crowdalpha/engine')));
}

const show = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v));

export function configMarkdown(keys: readonly ConfigKey[]): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    '# Configuration keys',
    '',
    '<!-- Generated by `npm run docs:config` (crowdalpha config --list --markdown) from packages/engine/src/config.ts; do not edit by hand. -->',
    '',
    'Every key of the engine configuration (`--config` files, experiment specs, `POST /simulations`),',
    'with its default, its unit, the range `resolveConfig` accepts (in the validator\'s own words) and',
    'its description from config.ts. Nested keys are written with dots (`crowding.kappa`). "price ticks"',
    'are multiples of `tickSize`; "ticks" alone are simulation steps (time); "units" are quantities traded.',
    '',
    '| key | default | unit | range | description |',
    '|---|---|---|---|---|',
    ...keys.map((k) => `| \`${k.key}\` | \`${esc(show(k.default))}\` | ${esc(k.unit)} | ${esc(k.range) || (k.type === 'boolean' ? 'true or false' : '')} | ${esc(k.description)} |`),
    '',
  ].join('\n');
}

export function configCommand(opts: { list?: boolean; json?: boolean; markdown?: boolean }, log: (s: string) => void = (s) => process.stdout.write(s + '\n')): number {
  if (!opts.list) {
    process.stderr.write('error: use `crowdalpha config --list` (add --json or --markdown for machine-readable output)\n');
    return 2;
  }
  const keys = configKeys();
  if (opts.json) log(JSON.stringify(keys));
  else if (opts.markdown) log(configMarkdown(keys).trimEnd());
  else {
    const w = Math.max(...keys.map((k) => k.key.length));
    for (const k of keys) log(`${k.key.padEnd(w)}  ${show(k.default).padEnd(14)}  [${k.unit || '?'}]  ${k.range || '-'}${k.description ? `  — ${k.description}` : ''}`);
  }
  return 0;
}
