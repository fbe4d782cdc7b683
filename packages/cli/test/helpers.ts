import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
/** The built CLI entry (npm test builds it first). */
export const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/** Runs `crowdalpha ...args`; resolves with the exit code and output whatever the exit code. */
export async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [bin, ...args], { timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The cells of one CSV line (quoted cells may hold commas and doubled quotes). */
export function csvCells(line: string): string[] {
  const out: string[] = [];
  const re = /("(?:[^"]|"")*"|[^,]*)(,|$)/g;
  for (let m = re.exec(line); m && m.index < line.length; m = re.exec(line)) {
    const c = m[1]!;
    out.push(c.startsWith('"') ? c.slice(1, -1).replace(/""/g, '"') : c);
    if (m[2] === '') break;
  }
  return out;
}
