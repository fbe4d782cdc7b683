/**
 * How a stored ("compiled") strategy says it is Python. TypeScript strategies are stored as
 * compiled JavaScript; Python ones as their source behind this first line, so the database, the
 * restart path and the server need no separate language column to bring them back.
 */
export const PYTHON_COMPILED_PREFIX = '#crowdalpha:python\n';

export function isPythonCompiled(compiled: string): boolean {
  return compiled.startsWith(PYTHON_COMPILED_PREFIX);
}

export function toPythonCompiled(source: string): string {
  return PYTHON_COMPILED_PREFIX + source;
}

export function pythonSourceOf(compiled: string): string {
  return compiled.slice(PYTHON_COMPILED_PREFIX.length);
}
