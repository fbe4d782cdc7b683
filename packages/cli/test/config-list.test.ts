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
    expect(eta).toMatchObject({ default: 0.001, unit: 'price per sqrt(unit)' });
    expect(eta.description).toContain('lambda_0');
    expect(eta.range).toContain('must be >= 0');
    expect(keys.find((k) => k.key === 'crowding.phiNormalization')!.range).toMatch(/must be one of "seed", "weighted_mean"|must be one of "weighted_mean", "seed"/);
    const r = await cli('config', '--list', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { key: string }[]).map((k) => k.key)).toEqual(keys.map((k) => k.key));
  });

  it('reads member doc comments from declaration text', () => {
    const m = parseInterfaces('export interface A {\n    /** Fast window,\n     * of mids.\n     * @unit ticks\n     */\n    fast: number;\n    /** Slow. @unit price ticks */\n    slow: number;\n    bare: number;\n}');
    expect(m.get('A')!.get('fast')).toEqual({ type: 'number', doc: 'Fast window, of mids.', unit: 'ticks' });
    expect(m.get('A')!.get('slow')).toEqual({ type: 'number', doc: 'Slow.', unit: 'price ticks' });
    expect(m.get('A')!.get('bare')).toEqual({ type: 'number', doc: '', unit: '' });
  });

  // Whoever adds a config key says what it is and what it is measured in, in config.ts: a doc
  // comment ending in `@unit …` on the member. This test names every key that has neither.
  it('every key has a description and a unit (doc comment with @unit in packages/engine/src/config.ts)', () => {
    const keys = configKeys();
    const undescribed = keys.filter((k) => k.description.trim() === '').map((k) => k.key);
    const unitless = keys.filter((k) => k.unit.trim() === '').map((k) => k.key);
    expect(undescribed, `config keys without a description (add a /** … */ doc comment to the member in config.ts): ${undescribed.join(', ')}`).toEqual([]);
    expect(unitless, `config keys without a unit (end the member's doc comment with "@unit <unit>" in config.ts): ${unitless.join(', ')}`).toEqual([]);
  });

  it('docs/CONFIG.md is the generated table (run `npm run docs:config` after changing config.ts)', () => {
    const docs = readFileSync(new URL('../../../docs/CONFIG.md', import.meta.url), 'utf8');
    expect(docs.trimEnd(), 'docs/CONFIG.md is out of date: run `npm run docs:config`').toBe(configMarkdown(configKeys()).trimEnd());
  });
});
