/**
 * The user strategies this browser registered, so template lists show the built-ins plus the
 * author's own strategies rather than everything anyone registered (broken drafts included).
 * Kept in localStorage; where storage is blocked the list lives for the page only.
 */
const KEY = 'crowdalpha.my-strategies';
let memory: string[] = [];

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function myStrategies(): string[] {
  try {
    const raw = storage()?.getItem(KEY);
    const list: unknown = raw ? JSON.parse(raw) : memory;
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return memory;
  }
}

export function rememberMyStrategy(name: string): void {
  const list = myStrategies();
  if (list.includes(name)) return;
  memory = [...list, name];
  try {
    storage()?.setItem(KEY, JSON.stringify(memory));
  } catch {
    /* memory only */
  }
}

/** Templates an author picks from: every built-in, and user strategies only when they are theirs. */
export function ownTemplates<T extends { type: string; builtin: boolean }>(all: readonly T[], mine: readonly string[] = myStrategies()): T[] {
  return all.filter((t) => t.builtin || mine.includes(t.type));
}

/** Names a strategy's code reads as `this.params.x` / `this.options.x` (a browser-side hint; the server checks). */
export function paramsReadBy(code: string): string[] {
  const out = new Set<string>();
  for (const m of code.matchAll(/this\.(?:params|options)\.([A-Za-z_$][\w$]*)/g)) out.add(m[1]!);
  for (const m of code.matchAll(/self\.params(?:\.get\(|\[)\s*["']([A-Za-z_]\w*)["']/g)) out.add(m[1]!);
  return [...out];
}

/** Parses the params field: an object, or the problem to show. */
export function parseParams(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    const v: unknown = JSON.parse(text);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return { ok: false, error: 'params must be a JSON object, e.g. {"size": 5}' };
    return { ok: true, value: v as Record<string, unknown> };
  } catch (e) {
    return { ok: false, error: `params is not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}
