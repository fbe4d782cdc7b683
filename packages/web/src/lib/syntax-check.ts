/**
 * Client-side check of a strategy before it is sent: balanced brackets, closed strings/comments
 * (with line and column), and the sandbox's structural rules (exactly one class extending
 * BaseAgent, onTick and factorVector, no import/require, size limit). The server's full
 * TypeScript validation stays the authority; this only catches the obvious early.
 */

export interface SyntaxProblem {
  message: string;
  line: number;
  column: number;
  severity: 'error' | 'warning';
}

export const MAX_CODE_CHARS = 32_000;
const PAIRS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** Line/column (1-based) of an offset. */
export function positionOf(code: string, offset: number): { line: number; column: number } {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < code.length; i++) {
    if (code[i] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return { line, column: col };
}

/** Source with strings, template literals and comments blanked (same length, newlines kept). */
export function stripLiterals(code: string): { text: string; problems: SyntaxProblem[] } {
  const out = code.split('');
  const problems: SyntaxProblem[] = [];
  let i = 0;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  while (i < code.length) {
    const c = code[i];
    const n = code[i + 1];
    if (c === '/' && n === '/') {
      const end = code.indexOf('\n', i);
      const stop = end < 0 ? code.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && n === '*') {
      const end = code.indexOf('*/', i + 2);
      if (end < 0) {
        problems.push({ message: 'Unterminated block comment: add */', ...positionOf(code, i), severity: 'error' });
        blank(i, code.length);
        break;
      }
      blank(i, end + 2);
      i = end + 2;
    } else if (c === '"' || c === "'" || c === '`') {
      let k = i + 1;
      let closed = false;
      while (k < code.length) {
        const ch = code[k];
        if (ch === '\\') {
          k += 2;
          continue;
        }
        if (ch === c) {
          closed = true;
          break;
        }
        if (ch === '\n' && c !== '`') break;
        k++;
      }
      if (!closed) {
        problems.push({ message: `Unterminated string: add the closing ${c}`, ...positionOf(code, i), severity: 'error' });
        blank(i, k);
        i = k;
      } else {
        blank(i + 1, k); // keep the quotes so tokens stay separated
        i = k + 1;
      }
    } else i++;
  }
  return { text: out.join(''), problems };
}

export function checkStrategySource(code: string): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  if (code.trim() === '') return [{ message: 'The strategy is empty: write one class extending BaseAgent', line: 1, column: 1, severity: 'error' }];
  if (code.length > MAX_CODE_CHARS) problems.push({ message: `Code is ${code.length} characters; the limit is ${MAX_CODE_CHARS}`, line: 1, column: 1, severity: 'error' });
  const { text, problems: lit } = stripLiterals(code);
  problems.push(...lit);
  const stack: { ch: string; at: number }[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '(' || ch === '[' || ch === '{') stack.push({ ch, at: i });
    else if (ch === ')' || ch === ']' || ch === '}') {
      const want = PAIRS[ch];
      let depth = stack.length - 1;
      while (depth >= 0 && stack[depth]?.ch !== want) depth--;
      if (depth < 0) {
        problems.push({ message: `Unexpected '${ch}': nothing is open here`, ...positionOf(code, i), severity: 'error' });
        continue;
      }
      // whatever is open above the matching opener was never closed: report it where it opened
      const at = positionOf(code, i);
      while (stack.length - 1 > depth) {
        const open = stack.pop() as { ch: string; at: number };
        problems.push({ message: `'${open.ch}' is never closed (found '${ch}' at line ${at.line}:${at.column} first)`, ...positionOf(code, open.at), severity: 'error' });
      }
      stack.pop();
    }
  }
  for (const open of stack) problems.push({ message: `'${open.ch}' is never closed`, ...positionOf(code, open.at), severity: 'error' });
  const classes = [...text.matchAll(/\bclass\s+([A-Za-z_$][\w$]*)\s+extends\s+BaseAgent\b/g)];
  if (classes.length === 0) problems.push({ message: 'No class extends BaseAgent: declare `class MyStrategy extends BaseAgent { ... }`', line: 1, column: 1, severity: 'error' });
  else if (classes.length > 1) {
    const second = classes[1];
    problems.push({ message: 'Exactly one class may extend BaseAgent; found several', ...positionOf(code, second?.index ?? 0), severity: 'error' });
  }
  if (!/\b(onTick|on_tick)\s*\(/.test(text)) problems.push({ message: 'Missing onTick(state) method (returns an array of orders)', line: 1, column: 1, severity: 'error' });
  if (!/\b(factorVector|factor_vector)\s*\(/.test(text)) problems.push({ message: 'Missing factorVector() method (returns number[])', line: 1, column: 1, severity: 'error' });
  for (const m of text.matchAll(/(^|[^\w$.])(import\s*[\s({*'"]|require\s*\(|import\s*\()/gm)) {
    problems.push({ message: 'Imports and require() are not allowed in the sandbox: BaseAgent and Orders are provided', ...positionOf(code, (m.index ?? 0) + (m[1]?.length ?? 0)), severity: 'error' });
  }
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}
