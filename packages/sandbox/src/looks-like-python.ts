/**
 * Recognises a Python strategy sent where TypeScript was expected, so the author is told how
 * Python strategies are registered instead of reading a list of TypeScript syntax errors.
 */

/** Lines that are Python and never valid TypeScript/JavaScript. */
const PYTHON_LINES: readonly RegExp[] = [
  /^\s*def\s+\w+\s*\(.*\)\s*(->\s*[^:]+)?:\s*(#.*)?$/,
  /^\s*class\s+\w+\s*(\([^)]*\))?\s*:\s*(#.*)?$/,
  /^\s*from\s+[\w.]+\s+import\s+[\w*, ()]+$/,
  /^\s*import\s+[\w.]+(\s+as\s+\w+)?\s*$/,
  /^\s*(if|elif|while|for)\s.+:\s*(#.*)?$/,
  /^\s*(else|try|finally)\s*:\s*$/,
  /^\s*except(\s+[\w.]+(\s+as\s+\w+)?)?\s*:\s*$/,
];

/** True when at least two lines (or one `def`/`class` line using `self`) read as Python. */
export function looksLikePython(source: string): boolean {
  let hits = 0;
  for (const line of source.split('\n')) {
    if (PYTHON_LINES.some((re) => re.test(line))) hits++;
    if (hits >= 2) return true;
  }
  return hits >= 1 && /\bself\./.test(source);
}

/** The message a Python-looking source gets (kept generic: the registration field names the language). */
export const PYTHON_HINT =
  'this looks like Python; register it with language: "python" (TypeScript/JavaScript is the default language, and this code does not parse as TypeScript)';
