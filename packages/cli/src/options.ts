/** Argument parsers that reject bad input with a message naming the flag and the valid range. */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';

export function intOption(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    const v = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(v) || v < min || v > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
    }
    return v;
  };
}

/** Reads a JSON config-override file (a partial SimulationConfig). */
export function readJsonFile(path: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(`cannot read ${what} file "${path}": ${(err as Error).message}`);
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('expected a JSON object at the top level');
    return v as Record<string, unknown>;
  } catch (err) {
    throw new InvalidArgumentError(`${what} file "${path}" is not valid JSON: ${(err as Error).message}`);
  }
}
