/**
 * Runtime errors at the author's line:column. The compiled strategy carries its TypeScript
 * source map (only the `mappings` string) in a trailing comment, so a stored strategy can be
 * mapped without a second column in the store; a stack from the sandbox (frames in
 * `strategy.js`) is mapped back to `strategy.ts` positions here, on the host.
 */

const MARK = '\n//# crowdalpha-map ';

/** Appends the map of `sourceMapText` (TypeScript's JSON) to `code`; `lineOffset` = wrapper lines before the output. */
export function embedSourceMap(code: string, sourceMapText: string | undefined, lineOffset: number): string {
  if (!sourceMapText) return code;
  let mappings: unknown;
  try {
    mappings = (JSON.parse(sourceMapText) as { mappings?: unknown }).mappings;
  } catch {
    return code;
  }
  return typeof mappings === 'string' ? `${code}${MARK}${lineOffset} ${mappings}` : code;
}

/** One generated line's segments: [generated column, source line, source column], 0-based. */
type Line = Array<[number, number, number]>;

export interface SourceMapIndex {
  lineOffset: number;
  lines: Line[];
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Map([...B64].map((c, i) => [c, i]));

function decodeVlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = B64_VALUE.get(ch);
    if (digit === undefined) return out;
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** The decoded map embedded in compiled code, or null when it carries none (older stored code). */
export function readSourceMap(code: string): SourceMapIndex | null {
  const at = code.lastIndexOf(MARK);
  if (at < 0) return null;
  const rest = code.slice(at + MARK.length);
  const space = rest.indexOf(' ');
  const lineOffset = Number(rest.slice(0, space));
  if (!Number.isInteger(lineOffset)) return null;
  const lines: Line[] = [];
  let srcLine = 0;
  let srcCol = 0;
  let srcIdx = 0;
  for (const lineText of rest.slice(space + 1).trim().split(';')) {
    const line: Line = [];
    let genCol = 0;
    for (const seg of lineText.split(',')) {
      if (!seg) continue;
      const v = decodeVlq(seg);
      genCol += v[0] ?? 0;
      if (v.length >= 4) {
        srcIdx += v[1] ?? 0;
        srcLine += v[2] ?? 0;
        srcCol += v[3] ?? 0;
        line.push([genCol, srcLine, srcCol]);
      }
    }
    lines.push(line);
  }
  void srcIdx;
  return { lineOffset, lines };
}

/** The author's 1-based line:column of a 1-based position in the sandboxed script, or null. */
export function originalPosition(map: SourceMapIndex, line: number, column: number): { line: number; column: number } | null {
  const segs = map.lines[line - 1 - map.lineOffset];
  if (!segs || segs.length === 0) return null;
  let best = segs[0]!;
  for (const s of segs) {
    if (s[0] <= column - 1) best = s;
    else break;
  }
  // Inside a segment the offset carries over (same token on both sides).
  const delta = Math.max(0, column - 1 - best[0]);
  return { line: best[1] + 1, column: best[2] + 1 + (best[0] <= column - 1 ? delta : 0) };
}

export interface MappedStack {
  /** The author's position of the innermost frame in their file, if any. */
  where: { line: number; column: number } | null;
  /** Up to `maxFrames` frames as `fn (line:column)`, innermost first. */
  frames: string[];
}

const FRAME = /at (?:(.+?) \()?strategy\.js:(\d+):(\d+)\)?/;

/** Maps a V8 stack from the sandbox to the author's positions; frames outside the strategy are left out. */
export function mapStack(stack: string, map: SourceMapIndex | null, maxFrames = 4): MappedStack {
  const frames: string[] = [];
  let where: MappedStack['where'] = null;
  for (const raw of stack.split('\n')) {
    const m = FRAME.exec(raw);
    if (!m) continue;
    const line = Number(m[2]);
    const column = Number(m[3]);
    const pos = map ? originalPosition(map, line, column) : { line: line - 1, column };
    if (!pos) continue;
    where ??= pos;
    const fn = (m[1] ?? '<top level>').replace(/^new /, 'new ');
    if (frames.length < maxFrames) frames.push(`${fn} (${pos.line}:${pos.column})`);
  }
  return { where, frames };
}
