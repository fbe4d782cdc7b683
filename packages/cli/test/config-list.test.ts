/**
 * `crowdalpha config --list` covers every key of the engine's defaults, and docs/CONFIG.md is
 * exactly its Markdown table (regenerate with `npm run docs:config` after adding a key).
 */
import { readFileSync } from 'node:fs';
import { defaultConfig } from '@crowdalpha/engine';
import { describe, expect, it } from 'vitest';
import { configKeys, configMarkdown, parseInterfaces } from '../src/config-list.js';
import { cli } from './helpers.js';

function leaves(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? leaves(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe('crowdalpha config --list', () => {
  it('lists every key of the defaults with its default, the validator\'s range and the doc comment', async () => {
    const keys = configKeys();
    expect(keys.map((k) => k.key)).toEqual(leaves(defaultConfig() as unknown as Record<string, unknown>));
    const eta = keys.find((k) => k.key === 'eta')!;
    expect(eta).toMatchObject({ default: 0.001, description: 'lambda_0 of the impact model.' });
    expect(eta.range).toContain('must be >= 0');
    expect(keys.find((k) => k.key === 'crowding.phiNormalization')!.range).toMatch(/must be one of "seed", "weighted_mean"|must be one of "weighted_mean", "seed"/);
    const r = await cli('config', '--list', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { key: string }[]).map((k) => k.key)).toEqual(keys.map((k) => k.key));
  });

  it('reads member doc comments from declaration text', () => {
    const m = parseInterfaces('export interface A {\n    /** Fast window,\n     * ticks. */\n    fast: number;\n    slow: number;\n}');
    expect(m.get('A')!.get('fast')).toEqual({ type: 'number', doc: 'Fast window, ticks.' });
    expect(m.get('A')!.get('slow')).toEqual({ type: 'number', doc: '' });
  });

  it('docs/CONFIG.md is the generated table (run `npm run docs:config` after changing config.ts)', () => {
    const docs = readFileSync(new URL('../../../docs/CONFIG.md', import.meta.url), 'utf8');
    expect(docs.trimEnd(), 'docs/CONFIG.md is out of date: run `npm run docs:config`').toBe(configMarkdown(configKeys()).trimEnd());
  });
});
