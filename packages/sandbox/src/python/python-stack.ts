/**
 * Runtime errors of Python strategies at the author's line:column. The harness sends the
 * strategy's own frames (strategy.py only; harness and numpy frames are left out), innermost
 * first, one `strategy.py:LINE:COLUMN in NAME` line each (harness.py `_stack_text`); CPython's
 * positions are already the author's, so nothing needs mapping, only reading defensively.
 */
import type { MappedStack } from '../source-map.js';

const FRAME = /^strategy\.py:(\d{1,7}):(\d{1,7}) in ([^\n]{1,64})$/;

/** The innermost position and up to `maxFrames` frames as `fn (line:column)`; other lines are ignored. */
export function readPythonStack(stack: string, maxFrames = 4): MappedStack {
  const frames: string[] = [];
  let where: MappedStack['where'] = null;
  for (const raw of stack.split('\n')) {
    const m = FRAME.exec(raw);
    if (!m) continue;
    const line = Number(m[1]);
    const column = Number(m[2]);
    if (line < 1) continue;
    where ??= { line, column: Math.max(1, column) };
    if (frames.length < maxFrames) frames.push(`${m[3]} (${line}:${Math.max(1, column)})`);
  }
  return { where, frames };
}
