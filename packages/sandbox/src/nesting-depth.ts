/**
 * A cheap pre-scan of strategy source for pathological nesting. The TypeScript parser and
 * emitter recurse once per nesting level; about a thousand nested brackets overflow the stack
 * (a RangeError, which used to surface as a 500). Counting brackets outside strings and comments
 * refuses such code with a clear diagnostic before the parser sees it; `compileStrategy` also
 * catches a stack overflow for nesting built without brackets (e.g. `!!!!…x` or `a?b?c?…`).
 */

/** Deepest ( [ { nesting accepted: real strategies stay far below it. */
export const MAX_NESTING_DEPTH = 200;

/** The first position where bracket nesting exceeds `max`, or null. Strings, templates and comments are skipped. */
export function excessiveNesting(source: string, max = MAX_NESTING_DEPTH): { depth: number; index: number } | null {
  let depth = 0;
  const n = source.length;
  for (let i = 0; i < n; i++) {
    const c = source.charCodeAt(i);
    // '/' '/' line comment, '/' '*' block comment
    if (c === 47 && source.charCodeAt(i + 1) === 47) {
      const end = source.indexOf('\n', i + 2);
      i = end === -1 ? n : end;
    } else if (c === 47 && source.charCodeAt(i + 1) === 42) {
      const end = source.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 1;
    } else if (c === 34 || c === 39 || c === 96) {
      // a string or template literal: skip to its closing quote (template holes too: compileStrategy still catches a stack overflow there)
      for (i++; i < n && source.charCodeAt(i) !== c; i++) if (source.charCodeAt(i) === 92) i++;
    } else if (c === 40 || c === 91 || c === 123) {
      if (++depth > max) return { depth, index: i };
    } else if (c === 41 || c === 93 || c === 125) {
      if (depth > 0) depth--;
    }
  }
  return null;
}
